# Least-squares optimum of the S.alba LL.4 global fits (shared c, d; and separate curves),
# fitted with R nls to tight tolerance, as an independent reference for preclin's fit_global.
# drc 3.2.0's drm stops slightly early on these fits (its RSS is 5.7e-6 relative above the
# optimum), so drc's estimates agree with the optimum only to ~2e-3; see the tests.
# Regenerate: Rscript reference/curves/inference_global_salba.R   (from the repo root)
suppressMessages(library(jsonlite))
S <- read.csv("/work/shared/reference/doseresponse/S.alba.csv")
S$h <- as.integer(factor(S$Herbicide))  # 1 = Bentazone, 2 = Glyphosate
ctl <- nls.control(maxiter = 500, tol = 1e-7, minFactor = 1e-12)
ll4 <- function(x, b, c, d, e) c + (d - c) / (1 + exp(b * (log(x) - log(e))))
fits <- list(
  shared_cd = nls(DryMatter ~ ll4(Dose, b[h], c, d, e[h]), data = S, control = ctl,
                  start = list(b = c(5, 2.4), c = 0.7, d = 3.85, e = c(28.6, 66.9))),
  separate = nls(DryMatter ~ ll4(Dose, b[h], c[h], d[h], e[h]), data = S, control = ctl,
                 start = list(b = c(5.1, 2.7), c = c(0.68, 0.89), d = c(3.8, 3.9), e = c(29, 62))))
out <- list(software = R.version.string, data = "S.alba.csv (68 rows), curves ordered Bentazone, Glyphosate")
for (nm in names(fits)) {
  f <- fits[[nm]]
  p <- coef(f)
  # RSS as a function of the coefficient vector (names as coef(f): b1, b2, c, d, e1, e2 ...)
  rss_vec <- function(par) {
    g <- function(pfx) par[grep(paste0("^", pfx, "[0-9]*$"), names(par))]
    b <- g("b"); c <- g("c"); d <- g("d"); e <- g("e")
    pick <- function(v) if (length(v) == 1) v else v[S$h]
    sum((S$DryMatter - ll4(S$Dose, pick(b), pick(c), pick(d), pick(e)))^2)
  }
  n <- nrow(S); df <- df.residual(f); s2 <- deviance(f) / df
  H <- optimHess(p, rss_vec)
  vc_h <- 2 * s2 * solve(H)
  out[[nm]] <- list(
    call = deparse(formula(f)), coef_names = names(p), estimate = unname(p),
    se_gauss_newton = unname(summary(f)$coefficients[, "Std. Error"]),
    se_hessian = unname(sqrt(diag(vc_h))), vcov_hessian = unname(vc_h),
    rss = deviance(f), rss_check = rss_vec(p), df = df, residual_se = sqrt(s2),
    logLik = as.numeric(logLik(f)), AIC = AIC(f))
}
write_json(out, "reference/curves/inference_global_salba.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
