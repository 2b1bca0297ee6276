# Independent re-analysis of the alnespirone dose series of the bundled CMS study
# (src/preclin/datasets/data/cms_sucrose.csv, cms_study.yaml) in R.
# Regenerate:  cd reference/invivo && Rscript study_cms_dose.R   (writes study_cms_dose.json)
# Week 8 (last treatment week) sucrose preference = 100 sucrose / (sucrose + water); the
# stressed vehicle is dose 0 of the alnespirone series (1, 2.5, 5, 10 mg/kg/day). Dunnett
# one-sided ("greater") by multcomp::glht on lm(preference ~ dose); downturn family: every
# lower vs higher dose, one-sided pooled t (lower > higher), Holm-adjusted (p.adjust).
suppressMessages({library(jsonlite); library(multcomp)})
d <- read.csv("../../src/preclin/datasets/data/cms_sucrose.csv")
d <- d[d$week == 8 & (d$group == "stressed vehicle" | d$compound == "alnespirone"), ]
d$pref <- 100 * d$sucrose_g / (d$sucrose_g + d$water_g)
d$dose <- factor(d$dose_mg_kg_day)
fit <- lm(pref ~ dose, data = d)
s2 <- summary(fit)$sigma^2
df <- fit$df.residual
set.seed(1)
g <- summary(glht(fit, linfct = mcp(dose = "Dunnett"), alternative = "greater"),
             test = adjusted("single-step",
                             algorithm = GenzBretz(maxpts = 2e6, abseps = 1e-6)))
m <- tapply(d$pref, d$dose, mean)
n <- tapply(d$pref, d$dose, length)
k <- length(m)
pairs <- t(combn(k, 2))
est <- m[pairs[, 1]] - m[pairs[, 2]]
se <- sqrt(s2 * (1 / n[pairs[, 1]] + 1 / n[pairs[, 2]]))
p <- pt(est / se, df, lower.tail = FALSE)
out <- list(
  command = "Rscript study_cms_dose.R (R 4.2, lm + multcomp::glht Dunnett greater; Holm)",
  doses = as.numeric(names(m)), mean = unname(m), n = unname(n), sigma2 = s2, df = df,
  dunnett_estimate = unname(g$test$coefficients), dunnett_se = unname(g$test$sigma),
  dunnett_t = unname(g$test$tstat), dunnett_p = unname(g$test$pvalues),
  downturn_dose_low = as.numeric(names(m))[pairs[, 1]],
  downturn_dose_high = as.numeric(names(m))[pairs[, 2]],
  downturn_t = unname(est / se), downturn_p = unname(p),
  downturn_p_holm = p.adjust(p, "holm"))
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "study_cms_dose.json")
