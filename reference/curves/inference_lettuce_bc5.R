# Brain-Cousens hormesis model (drc BC.5) on lettuce: least-squares fit with R nls, the
# drc-style Hessian covariance (2 s^2 H^-1, H = optimHess of the RSS), and ED10/50/90 with
# delta-method SEs, the linear CI (drc interval = "delta") and the log-scale CI.
# The linear lower bound of ED50 and ED90 is negative; the log-scale one cannot be.
# Regenerate: Rscript reference/curves/inference_lettuce_bc5.R   (from the repo root)
suppressMessages(library(jsonlite))
L <- read.csv("/work/shared/reference/doseresponse/lettuce.csv")
bc5 <- function(x, b, c, d, e, f) c + (d - c + f * x) / (1 + exp(b * (log(x) - log(e))))
fit <- nls(weight ~ bc5(conc, b, c, d, e, f), data = L,
           start = list(b = 1.5, c = 0.3, d = 0.96, e = 1.1, f = 1),
           control = nls.control(maxiter = 500, tol = 1e-6, minFactor = 1e-12))
p <- coef(fit); df <- df.residual(fit); s2 <- deviance(fit) / df
rss <- function(par) sum((L$weight - bc5(L$conc, par[1], par[2], par[3], par[4], par[5]))^2)
V <- 2 * s2 * solve(optimHess(p, rss, control = list(ndeps = 1e-5 * abs(p))))
ed <- function(par, level) {
  # x above the hormetic peak where the response is d + level/100 (c - d) (drc relative ED)
  target <- par[3] + level / 100 * (par[2] - par[3])
  fx <- function(lx) bc5(exp(lx), par[1], par[2], par[3], par[4], par[5])
  peak <- optimize(fx, c(log(par[4]) - 20, log(par[4]) + 20), maximum = TRUE)$maximum
  exp(uniroot(function(lx) fx(lx) - target, c(peak, log(par[4]) + 40), tol = 1e-14)$root)
}
q <- qt(0.975, df)
rows <- lapply(c(10, 50, 90), function(level) {
  est <- ed(p, level)
  g <- sapply(seq_along(p), function(i) {
    h <- 1e-6 * max(abs(p[i]), 1e-3); up <- p; dn <- p; up[i] <- up[i] + h; dn[i] <- dn[i] - h
    (ed(up, level) - ed(dn, level)) / (2 * h)
  })
  se <- sqrt(drop(t(g) %*% V %*% g))
  list(level = level, estimate = est, stderr = se, delta_lower = est - q * se,
       delta_upper = est + q * se, log_lower = est * exp(-q * se / est),
       log_upper = est * exp(q * se / est))
})
out <- list(software = R.version.string, call = "nls(weight ~ c + (d - c + f*conc)/(1 + exp(b*(log(conc) - log(e)))))",
            estimate = as.list(p), se_hessian = as.list(sqrt(diag(V))), rss = deviance(fit), df = df,
            ED = rows)
write_json(out, "reference/curves/inference_lettuce_bc5.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
