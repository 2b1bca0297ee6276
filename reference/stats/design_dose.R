# Reference values for preclin.stats dose-finding (Williams-type contrasts, MED by fixed
# sequence, Dunnett vs vehicle, quadratic contrast, downturn tests) on the bundled
# CMS example (src/preclin/datasets/data/cms_dose_groups.csv).
# Regenerate: cd reference/stats && Rscript design_dose.R   (writes design_dose.json)
# Multiplicity-adjusted p-values and simultaneous CIs come from multcomp::glht, which
# integrates the multivariate t by randomised quasi-Monte Carlo (mvtnorm::GenzBretz):
# GenzBretz(maxpts = 2e6, abseps = 1e-5) is used: p-values are accurate to ~1e-5.
suppressMessages(library(multcomp))
library(jsonlite)
cms <- read.csv("../../src/preclin/datasets/data/cms_dose_groups.csv")
cms$dose <- factor(cms$dose_mg_kg_day)
fit <- lm(sucrose_intake_g ~ dose, data = cms)
sigma2 <- summary(fit)$sigma^2
df <- fit$df.residual
alg <- GenzBretz(maxpts = 2e6, abseps = 1e-5)

glht_rows <- function(g, level = 0.95) {
  set.seed(1)
  s <- summary(g, test = adjusted("single-step", algorithm = alg))
  set.seed(1)
  ci <- confint(g, level = level, calpha = adjusted_calpha(algorithm = alg))
  list(names = rownames(ci$confint), estimate = unname(s$test$coefficients),
       se = unname(s$test$sigma), t = unname(s$test$tstat), p_adj = unname(s$test$pvalues),
       ci_low = unname(ci$confint[, "lwr"]), ci_high = unname(ci$confint[, "upr"]),
       critical = attr(ci$confint, "calpha"))
}
fix_inf <- function(x) { x[is.infinite(x)] <- NA; x }

out <- list(generated_by = "reference/stats/design_dose.R", session = list(
  R = R.version.string, multcomp = as.character(packageVersion("multcomp"))),
  sigma2 = sigma2, df = df)

for (alt in c("greater", "two.sided")) {
  r <- glht_rows(glht(fit, linfct = mcp(dose = "Williams"), alternative = alt))
  r$ci_low <- fix_inf(r$ci_low); r$ci_high <- fix_inf(r$ci_high)
  r$contrast_matrix <- unname(contrMat(table(cms$dose), "Williams"))
  out[[paste0("williams_", alt)]] <- r
  r <- glht_rows(glht(fit, linfct = mcp(dose = "Dunnett"), alternative = alt))
  r$ci_low <- fix_inf(r$ci_low); r$ci_high <- fix_inf(r$ci_high)
  out[[paste0("dunnett_", alt)]] <- r
}

# MED: fixed-sequence step-down from the highest dose, one-sided pooled t at full alpha
means <- tapply(cms$sucrose_intake_g, cms$dose, mean)
ns <- tapply(cms$sucrose_intake_g, cms$dose, length)
steps <- list(); med <- NA
for (j in rev(seq_along(means))[-length(means)]) {
  est <- means[j] - means[1]; se <- sqrt(sigma2 * (1 / ns[j] + 1 / ns[1]))
  tt <- est / se; p <- pt(tt, df, lower.tail = FALSE)
  steps[[length(steps) + 1]] <- list(dose = names(means)[j], estimate = unname(est),
    se = unname(se), t = unname(tt), p_one_sided = unname(p),
    ci_low = unname(est - qt(0.95, df) * se), rejected = p < 0.05)
  if (p >= 0.05) break
  med <- names(means)[j]
}
out$med_fixed_sequence <- list(alpha = 0.05, steps = steps, minimum_effective_dose = med)

# quadratic orthogonal-polynomial contrast on dose ranks (contr.poly), single test
K <- matrix(contr.poly(nlevels(cms$dose))[, 2], nrow = 1)
q <- glht(fit, linfct = mcp(dose = K))
qs <- summary(q); qc <- confint(q, calpha = univariate_calpha())
out$quadratic <- list(coefficients = contr.poly(nlevels(cms$dose))[, 2],
  estimate = unname(qs$test$coefficients), se = unname(qs$test$sigma),
  t = unname(qs$test$tstat), p = unname(qs$test$pvalues),
  ci_low = unname(qc$confint[, "lwr"]), ci_high = unname(qc$confint[, "upr"]))

# downturn family: mean(lower dose) - mean(higher dose) for every pair of doses
# (control included), one-sided pooled t, Holm-adjusted (p.adjust)
pairs <- list(); ps <- c()
lv <- levels(cms$dose)
for (i in 1:(length(lv) - 1)) for (j in (i + 1):length(lv)) {
  est <- means[i] - means[j]; se <- sqrt(sigma2 * (1 / ns[i] + 1 / ns[j]))
  tt <- est / se; p <- pt(tt, df, lower.tail = FALSE)
  pairs[[length(pairs) + 1]] <- list(lower = lv[i], higher = lv[j], estimate = unname(est),
    se = unname(se), t = unname(tt), p = unname(p))
  ps <- c(ps, p)
}
padj <- p.adjust(ps, "holm")
for (i in seq_along(pairs)) pairs[[i]]$p_holm <- padj[i]
out$downturn <- pairs

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null"),
           "design_dose.json")
