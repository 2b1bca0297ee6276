# Repeated-measures reference: a seeded sucrose-preference-like study
# (3 groups x 4 weeks, 8/8/7 rats), analysed with
#   * lme4::lmer REML random intercept + lmerTest Satterthwaite df (treatment coding),
#   * lmerTest anova(type = 3) on the same model refitted with contr.sum,
#   * aov(... + Error(rat/week)) and car::Anova on the wide mlm (Greenhouse-Geisser).
# Regenerate from /work/main:  Rscript reference/stats/groups_repeated.R
suppressMessages({library(lme4); library(lmerTest); library(car); library(jsonlite)})
set.seed(20240611)
groups <- c("vehicle", "low", "high"); sizes <- c(8, 8, 7); weeks <- 0:3
shift <- list(vehicle = c(0, -6, -9, -10), low = c(0, -5, -4, -3), high = c(0, -2, 2, 4))
rows <- list(); k <- 0
for (g in seq_along(groups)) for (i in seq_len(sizes[g])) {
  k <- k + 1; b <- rnorm(1, 0, 8)
  # week-specific noise SD grows with time -> sphericity is violated on purpose
  y <- 70 + b + shift[[groups[g]]] + rnorm(4, 0, c(3, 5, 7, 9))
  rows[[k]] <- data.frame(rat = sprintf("R%02d", k), group = groups[g], week = weeks,
                          sucrose_pct = round(y, 2))
}
d <- do.call(rbind, rows)
write.csv(d, "reference/stats/groups_repeated_data.csv", row.names = FALSE)
d$group <- factor(d$group, levels = groups); d$week <- factor(d$week); d$rat <- factor(d$rat)

options(contrasts = c("contr.treatment", "contr.poly"))
m1 <- lmer(sucrose_pct ~ group * week + (1 | rat), data = d, REML = TRUE)
co <- summary(m1)$coefficients
vc <- as.data.frame(VarCorr(m1))
options(contrasts = c("contr.sum", "contr.poly"))
m3 <- lmer(sucrose_pct ~ group * week + (1 | rat), data = d, REML = TRUE)
a3 <- anova(m3, type = 3, ddf = "Satterthwaite")

options(contrasts = c("contr.sum", "contr.poly"))
av <- summary(aov(sucrose_pct ~ group * week + Error(rat / week), data = d))
tab <- function(x) {x <- as.data.frame(x); data.frame(term = trimws(rownames(x)),
  df = x[["Df"]], ss = x[["Sum Sq"]], ms = x[["Mean Sq"]], F = x[["F value"]], p = x[["Pr(>F)"]])}
wide <- reshape(as.data.frame(d), idvar = c("rat", "group"), timevar = "week",
                direction = "wide")
Y <- as.matrix(wide[, paste0("sucrose_pct.", 0:3)])
mlm <- lm(Y ~ group, data = wide)
idata <- data.frame(week = factor(0:3))
car_rm <- summary(Anova(mlm, idata = idata, idesign = ~week, type = 3), multivariate = FALSE)
uni <- as.data.frame(unclass(car_rm$univariate.tests))
gg <- as.data.frame(unclass(car_rm$pval.adjustments))

out <- list(
  call = list(
    lmer = "lmer(sucrose_pct ~ group * week + (1 | rat), REML = TRUE), contr.treatment",
    anova = "anova(lmer(... contr.sum), type = 3, ddf = 'Satterthwaite')",
    aov = "aov(sucrose_pct ~ group * week + Error(rat / week))",
    car = "summary(car::Anova(lm(Y ~ group), idata, idesign = ~week, type = 3), multivariate = FALSE)"
  ),
  data = "groups_repeated_data.csv",
  fixed = data.frame(term = rownames(co), estimate = co[, "Estimate"],
                     se = co[, "Std. Error"], df = co[, "df"], t = co[, "t value"],
                     p = co[, "Pr(>|t|)"]),
  variance = data.frame(component = vc$grp, variance = vc$vcov),
  anova_satterthwaite = data.frame(term = rownames(a3), ss = a3[["Sum Sq"]],
                                   num_df = a3[["NumDF"]], den_df = a3[["DenDF"]],
                                   F = a3[["F value"]], p = a3[["Pr(>F)"]]),
  aov_between = tab(av[["Error: rat"]][[1]]),
  aov_within = tab(av[["Error: rat:week"]][[1]]),
  car_univariate = data.frame(term = rownames(uni), ss = uni[["Sum Sq"]], df = uni[["num Df"]],
                              error_ss = uni[["Error SS"]], den_df = uni[["den Df"]],
                              F = uni[["F value"]], p = uni[["Pr(>F)"]]),
  greenhouse_geisser = data.frame(term = rownames(gg), eps = gg[["GG eps"]],
                                  p_gg = gg[["Pr(>F[GG])"]]),
  session = paste(R.version.string, "lme4", packageVersion("lme4"), "lmerTest",
                  packageVersion("lmerTest"), "car", packageVersion("car"))
)
write_json(out, "reference/stats/groups_repeated.json", digits = NA, auto_unbox = TRUE,
           pretty = TRUE, na = "null")
