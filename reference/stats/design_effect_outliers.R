# Reference values for preclin.stats effect sizes (Cohen's d / Hedges' g / eta^2 with CIs)
# and the Grubbs outlier test.
# Regenerate: cd reference/stats && Rscript design_effect_outliers.R
# (writes design_effect_outliers.json). Base R only: the noncentral-t / noncentral-F CI
# inversions are written out with pt(ncp =) / pf(ncp =) and uniroot (the method of the
# effectsize and MBESS packages, which are not in Debian), and the Grubbs p-value is
# outliers::grubbs.test's documented formula (type = 10, two.sided = TRUE), with GraphPad's
# critical value; r-cran-outliers is not packaged in Debian.
library(jsonlite)
cms <- read.csv("../../src/preclin/datasets/data/cms_dose_groups.csv")
tg <- read.csv("../../../shared/reference/stats/toothgrowth.csv")

ncp_t_ci <- function(t, df, level = 0.95) {
  a <- (1 - level) / 2
  f_lo <- function(ncp) pt(t, df, ncp) - (1 - a)
  f_hi <- function(ncp) pt(t, df, ncp) - a
  lo <- uniroot(f_lo, c(t - 12, t + 12), tol = 1e-13)$root
  hi <- uniroot(f_hi, c(t - 12, t + 12), tol = 1e-13)$root
  c(lo, hi)
}
d_rows <- function(y, g, control) {
  out <- list()
  for (lev in setdiff(unique(as.character(g)), control)) {
    x1 <- y[g == lev]; x0 <- y[g == control]
    n1 <- length(x1); n0 <- length(x0); df <- n1 + n0 - 2
    sp <- sqrt(((n1 - 1) * var(x1) + (n0 - 1) * var(x0)) / df)
    d <- (mean(x1) - mean(x0)) / sp
    fac <- sqrt(1 / n1 + 1 / n0)
    ci <- ncp_t_ci(d / fac, df) * fac
    J <- exp(lgamma(df / 2) - log(sqrt(df / 2)) - lgamma((df - 1) / 2))
    ci90 <- ncp_t_ci(d / fac, df, 0.90) * fac
    out[[length(out) + 1]] <- list(group = lev, control = control, n = n1, n_control = n0,
      d = d, d_ci_low = ci[1], d_ci_high = ci[2], g = d * J, g_ci_low = ci[1] * J,
      g_ci_high = ci[2] * J, d_ci90_low = ci90[1], d_ci90_high = ci90[2],
      t = t.test(x1, x0, var.equal = TRUE)$statistic[[1]])
  }
  out
}
eta_row <- function(y, g, level = 0.95) {
  fit <- anova(lm(y ~ factor(g)))
  Fv <- fit$`F value`[1]; df1 <- fit$Df[1]; df2 <- fit$Df[2]
  a <- (1 - level) / 2
  lam_lo <- if (pf(Fv, df1, df2) < 1 - a) 0 else
    uniroot(function(l) pf(Fv, df1, df2, l) - (1 - a), c(0, 10 * Fv * df1 + 100), tol = 1e-13)$root
  lam_hi <- if (pf(Fv, df1, df2) < a) 0 else
    uniroot(function(l) pf(Fv, df1, df2, l) - a, c(0, 10 * Fv * df1 + 100), tol = 1e-13)$root
  # one-sided (alternative = "greater"): lower limit at 1 - (1 - level)
  lam_lo1 <- if (pf(Fv, df1, df2) < level) 0 else
    uniroot(function(l) pf(Fv, df1, df2, l) - level, c(0, 10 * Fv * df1 + 100), tol = 1e-13)$root
  ss <- fit$`Sum Sq`
  list(F = Fv, df1 = df1, df2 = df2, eta_squared = ss[1] / sum(ss),
       ncp_ci_low = lam_lo, ncp_ci_high = lam_hi,
       ci_low = lam_lo / (lam_lo + df2), ci_high = lam_hi / (lam_hi + df2),
       ci_low_one_sided = lam_lo1 / (lam_lo1 + df2))
}

grubbs_one <- function(x, alpha = 0.05) {
  n <- length(x); m <- mean(x); s <- sd(x)
  i <- which.max(abs(x - m))
  G <- abs(x[i] - m) / s
  tc <- qt(alpha / (2 * n), n - 2, lower.tail = FALSE)
  Gcrit <- (n - 1) / sqrt(n) * sqrt(tc^2 / (n - 2 + tc^2))
  tt <- sqrt(G^2 * n * (n - 2) / ((n - 1)^2 - n * G^2))  # outliers::pgrubbs, type 10
  p <- min(1, 2 * n * pt(tt, n - 2, lower.tail = FALSE))
  list(index = i, value = x[i], n = n, mean = m, sd = s, G = G, G_critical = Gcrit, p = p,
       is_outlier = G > Gcrit)
}
grubbs_iter <- function(x, alpha = 0.05) {
  keep <- rep(TRUE, length(x)); out <- list()
  repeat {
    r <- grubbs_one(x[keep], alpha)
    r$index <- which(keep)[r$index]
    out[[length(out) + 1]] <- r
    if (!r$is_outlier || sum(keep) <= 3) break
    keep[r$index] <- FALSE
  }
  out
}

vectors <- list(
  spike = c(8.2, 7.9, 8.5, 8.1, 12.9, 8.0, 7.7),
  low = c(101, 99, 103, 98, 100, 102, 62, 99, 101, 100),
  clean = c(4.1, 5.3, 4.8, 5.9, 5.0, 4.4, 5.6),
  two = c(5.1, 5.3, 4.9, 5.0, 5.2, 9.8, 10.4, 5.1, 4.8, 5.0, 5.2, 5.1, 5.0, 4.9, 5.3),
  n3 = c(1, 2, 10)
)
grubbs <- lapply(vectors, function(v) list(x = v, single = grubbs_one(v), iterative = grubbs_iter(v)))
cms_grubbs <- lapply(split(cms$sucrose_intake_g, cms$dose_mg_kg_day), grubbs_one)

out <- list(
  generated_by = "reference/stats/design_effect_outliers.R",
  session = list(R = R.version.string),
  cms_effect = d_rows(cms$sucrose_intake_g, as.character(cms$dose_mg_kg_day), "0"),
  toothgrowth_effect = d_rows(tg$len, as.character(tg$dose), "0.5"),
  cms_eta = eta_row(cms$sucrose_intake_g, cms$dose_mg_kg_day),
  toothgrowth_eta = eta_row(tg$len, tg$dose),
  grubbs_vectors = grubbs,
  cms_grubbs = cms_grubbs
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "design_effect_outliers.json")
