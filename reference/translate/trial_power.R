# Reference values for preclin.translate trial simulation (closed forms in R).
# Regenerate: Rscript reference/translate/trial_power.R  (writes trial_power.json here)
suppressPackageStartupMessages({library(pwr); library(jsonlite)})
out <- list()
# two-sample t test, d = 0.3
p175 <- pwr.t.test(d = 0.3, n = 175, sig.level = 0.05, type = "two.sample")$power
n80 <- pwr.t.test(d = 0.3, power = 0.8, sig.level = 0.05, type = "two.sample")$n
df <- 2 * 175 - 2
upper175 <- 1 - pt(qt(0.975, df), df, ncp = 0.3 * sqrt(175 / 2))
out$ttest <- list(d = 0.3, n = 175, power_pwr = p175, power_upper_tail = upper175,
                  n_for_80 = n80)  # pwr's uniroot: n to ~1e-4
# ANCOVA approximation: residual SD sigma*sqrt(1 - rho^2), df = 2n - 3
anc <- function(d, n, rho, alpha = 0.05) {
  df <- 2 * n - 3
  1 - pt(qt(1 - alpha / 2, df), df, ncp = d / sqrt(1 - rho^2) * sqrt(n / 2))
}
out$ancova <- list(d = 0.3, n = 150, rho = 0.5, power = anc(0.3, 150, 0.5))
# t test with 20 % MCAR dropout: 120 completers per arm
out$ttest_dropout <- list(d = 0.3, n = 150, dropout = 0.2,
  power_pwr = pwr.t.test(d = 0.3, n = 120)$power)
# responders (>= 50 % reduction): change ~ N(-10 - benefit, 8^2), baseline ~ N(30, 4^2), rho = 0
# responder iff change + 0.5 * baseline <= 0
s <- sqrt(8^2 + (0.5 * 4)^2)
p0 <- pnorm(-(-10 + 0.5 * 30) / s)
p1 <- pnorm(-(-10 - 0.3 * 8 + 0.5 * 30) / s)
out$responder <- list(n = 175, p_placebo = p0, p_drug = p1,
  power_prop_test = power.prop.test(n = 175, p1 = p0, p2 = p1, strict = TRUE)$power,
  power_pwr_2p = pwr.2p.test(h = ES.h(p1, p0), n = 175)$power)
# two drug arms vs placebo, Bonferroni alpha/2, pooled-variance t (df = 3n - 3)
df3 <- 3 * 100 - 3
out$three_arm <- list(d = 0.4, n = 100, alpha = 0.025,
  power_per_arm = 1 - pt(qt(1 - 0.025 / 2, df3), df3, ncp = 0.4 * sqrt(100 / 2)))
out$R_version <- R.version.string
writeLines(toJSON(out, auto_unbox = TRUE, digits = 15, pretty = TRUE), "trial_power.json")
