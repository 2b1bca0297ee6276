# Gauss-Newton reference for preclin's default SEs: R nls on drc's ryegrass data
# and on S.alba (one LL.4 per herbicide).
# Regenerate: cd reference/curves && Rscript engine_nls_ryegrass.R
# (writes engine_nls_ryegrass.json; needs jsonlite; data: ../../../shared/reference/doseresponse)
library(jsonlite)
ryegrass <- read.csv("../../../shared/reference/doseresponse/ryegrass.csv")
ctl <- nls.control(maxiter = 500, tol = 1e-8, minFactor = 1e-12)
fits <- list(
  LL.4 = nls(rootl ~ c + (d - c) / (1 + exp(b * (log(conc) - log(e)))), data = ryegrass,
             start = list(b = 3, c = 0.5, d = 7.8, e = 3), control = ctl),
  LL.3 = nls(rootl ~ d / (1 + exp(b * (log(conc) - log(e)))), data = ryegrass,
             start = list(b = 2.5, d = 7.8, e = 3.2), control = ctl),
  LL.5 = nls(rootl ~ c + (d - c) / (1 + exp(b * (log(conc) - log(e))))^f, data = ryegrass,
             start = list(b = 3.9, c = 0.3, d = 7.8, e = 2.2, f = 0.47), control = ctl),
  W1.4 = nls(rootl ~ c + (d - c) * exp(-exp(b * (log(conc) - log(e)))), data = ryegrass,
             start = list(b = 2.4, c = 0.66, d = 7.8, e = 3.6), control = ctl),
  W2.4 = nls(rootl ~ c + (d - c) * (1 - exp(-exp(b * (log(conc) - log(e))))), data = ryegrass,
             start = list(b = -2, c = 0.3, d = 7.7, e = 2.5), control = ctl)
)
out <- lapply(names(fits), function(k) {
  m <- fits[[k]]
  co <- summary(m)$coefficients
  list(model = k,
       call = paste(deparse(formula(m)), collapse = ""),
       term = rownames(co), estimate = unname(co[, 1]), std_error = unname(co[, 2]),
       sigma = summary(m)$sigma, df = df.residual(m), rss = deviance(m),
       logLik = as.numeric(logLik(m)), AIC = AIC(m), vcov = unname(vcov(m)))
})
names(out) <- names(fits)
# S.alba: one LL.4 per herbicide (drc's separate_LL4 fits, each curve on its own)
salba <- read.csv("../../../shared/reference/doseresponse/S.alba.csv")
for (h in c("Glyphosate", "Bentazone")) {
  m <- nls(DryMatter ~ c + (d - c) / (1 + exp(b * (log(Dose) - log(e)))),
           data = subset(salba, Herbicide == h),
           start = list(b = 3, c = 0.8, d = 3.9, e = if (h == "Glyphosate") 60 else 30),
           control = ctl)
  co <- summary(m)$coefficients
  out[[paste0("S.alba_LL.4_", h)]] <- list(
    model = "LL.4", herbicide = h, term = rownames(co), estimate = unname(co[, 1]),
    std_error = unname(co[, 2]), sigma = summary(m)$sigma, df = df.residual(m),
    rss = deviance(m), logLik = as.numeric(logLik(m)), AIC = AIC(m))
}
out$software <- paste(R.version.string, "stats::nls (Gauss-Newton), tol 1e-8")
write_json(out, "engine_nls_ryegrass.json", digits = NA, auto_unbox = TRUE, pretty = TRUE)
