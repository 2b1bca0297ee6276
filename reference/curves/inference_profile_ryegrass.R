# Profile-likelihood CIs for log EDp of the ryegrass LL.4 fit (preclin curves C2 reference).
# Regenerate: Rscript reference/curves/inference_profile_ryegrass.R  (from the repo root)
# Writes reference/curves/inference_profile_ryegrass.json.
# Two independent inversions of the same F/t statistic:
#   * confint() on an nls fit (MASS profiling: tau = sign * sqrt((S(psi) - S_hat) / s^2),
#     interpolated by a spline at +-qt(0.975, df));
#   * exact inversion with uniroot on the same tau (nls refits at fixed psi).
suppressMessages({library(MASS); library(jsonlite)})
ryegrass <- read.csv("/work/shared/reference/doseresponse/ryegrass.csv")
# LL.4 (decreasing, b > 0): f = c + (d - c) / (1 + exp(b (log x - log e)))
# EDp (p % of the way from d to c) = e * (p / (100 - p))^(1/b), so with lp = log EDp
# log e = lp - log(p / (100 - p)) / b.
start <- list(b = 2.98, c = 0.48, d = 7.79)
out <- list(software = paste(R.version.string, "MASS", packageVersion("MASS")),
            data = "ryegrass.csv (24 rows, x = 0 rows kept: log(0) = -Inf gives the limit d)")
for (p in c(10, 50, 90)) {
  k <- log(p / (100 - p))
  fit <- nls(rootl ~ c + (d - c) / (1 + exp(b * (log(conc) - (lp - k / b)))),
             data = cbind(ryegrass, k = k), start = c(start, lp = log(3.058) + k / 2.98),
             control = nls.control(tol = 1e-8, maxiter = 500, minFactor = 1e-10))
  # MASS profiling with nls' default control (tight tolerances make the profiler's refits fail)
  fit_default <- nls(formula(fit), data = cbind(ryegrass, k = k), start = as.list(coef(fit)))
  ci_mass <- tryCatch(suppressMessages(confint(fit_default, "lp", level = 0.95)), error = function(e) c(NA, NA))
  s_hat <- deviance(fit); df <- df.residual(fit); s2 <- s_hat / df
  lp_hat <- coef(fit)[["lp"]]
  rss_at <- function(psi, par) {
    e <- exp(psi - k / par[1])
    f <- par[2] + (par[3] - par[2]) / (1 + exp(par[1] * (log(ryegrass$conc) - log(e))))
    sum((ryegrass$rootl - f)^2)
  }
  tau <- function(psi) {
    # refit b, c, d at fixed psi: Nelder-Mead then BFGS polish (an optimiser independent of nls)
    o <- optim(coef(fit)[c("b", "c", "d")], function(par) rss_at(psi, par),
               control = list(reltol = 1e-14, maxit = 5000))
    o <- optim(o$par, function(par) rss_at(psi, par), method = "BFGS",
               control = list(reltol = 1e-16, maxit = 5000))
    sign(psi - lp_hat) * sqrt(max(o$value - s_hat, 0) / s2)
  }
  q <- qt(0.975, df)
  se <- summary(fit)$coefficients["lp", "Std. Error"]
  lo <- uniroot(function(v) tau(v) + q, c(lp_hat - 5 * se, lp_hat - 1e-6), tol = 1e-12)$root
  hi <- uniroot(function(v) tau(v) - q, c(lp_hat + 1e-6, lp_hat + 5 * se), tol = 1e-12)$root
  out[[paste0("ED", p)]] <- list(
    call = sprintf("nls(rootl ~ c + (d-c)/(1+exp(b*(log(conc) - (lp - log(%g/%g)/b)))); confint(fit, 'lp')", p, 100 - p),
    level = p, log_ed = lp_hat, ed = exp(lp_hat), se_log_ed_wald = se, rss = s_hat, df = df,
    ci_mass_log = unname(ci_mass), ci_mass = unname(exp(ci_mass)),
    ci_exact_log = c(lo, hi), ci_exact = exp(c(lo, hi)))
}
write_json(out, "reference/curves/inference_profile_ryegrass.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
