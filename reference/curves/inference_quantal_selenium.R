# Quantal (binomial) dose-response fits of the selenium data (drcData), references for
# preclin's fit_quantal.  Regenerate: Rscript reference/curves/inference_quantal_selenium.R
#
# LL.2 (c = 0, d = 1): p = 1 / (1 + exp(b (log x - log e))) is exactly a logistic GLM in
# log dose, logit p = b log e - b log x, so glm(cbind(dead, total - dead) ~ log(conc)) gives
# hill = -b = slope, log ED50 = -intercept / slope, and MASS::dose.p its delta-method SE.
# Rows with conc = 0 are left out: at x = 0 LL.2 has p = 0 whatever the parameters, so they
# carry no information (a zero-dose row with deaths has likelihood 0 under LL.2).
# LL.3 (c = 0, d free: upper limit) and LL.4 (c free: background mortality; d free) are
# fitted by maximising the binomial log-likelihood with optim (BFGS, then Nelder-Mead
# polish), SEs from the inverse of the observed information (optimHess of -logLik).
suppressMessages({library(MASS); library(jsonlite)})
S <- read.csv("/work/shared/reference/doseresponse/selenium.csv")
out <- list(software = paste(R.version.string, "MASS", packageVersion("MASS")))
ll2 <- list()
for (t in sort(unique(S$type))) {
  d <- S[S$type == t & S$conc > 0, ]
  g <- glm(cbind(dead, total - dead) ~ log(conc), family = binomial, data = d)
  dp <- dose.p(g, p = 0.5)
  co <- coef(g); vc <- vcov(g)
  ll2[[as.character(t)]] <- list(
    type = t, call = "glm(cbind(dead, total - dead) ~ log(conc), binomial, subset = conc > 0); dose.p(g, p = 0.5)",
    slope = co[[2]], slope_se = sqrt(vc[2, 2]), intercept = co[[1]],
    log_ed50 = as.numeric(dp), log_ed50_se = as.numeric(attr(dp, "SE")),
    ed50 = exp(as.numeric(dp)), logLik = as.numeric(logLik(g)), AIC = AIC(g),
    n_rows = nrow(d), deviance = deviance(g), df_residual = df.residual(g))
}
out$ll2 <- ll2
negll <- function(par, d, model) {
  b <- par[1]; e <- exp(par[length(par)])
  c <- if (model == "ll4") par[2] else 0
  top <- if (model == "ll4") par[3] else par[2]
  p <- c + (top - c) / (1 + exp(b * (log(d$conc) - log(e))))
  if (any(!is.finite(p)) || any(p <= 0 | p >= 1)) return(1e10)
  -sum(dbinom(d$dead, d$total, p, log = TRUE))
}
for (model in c("ll3", "ll4")) {
  res <- list()
  # only curves where the model is identifiable: elsewhere the upper limit runs off (d -> a
  # huge value, or d > 1) and the information matrix is singular (LL.3: types 1, 3, 4;
  # LL.4: types 1, 3)
  for (t in if (model == "ll3") 2 else c(2, 4)) {
    d <- S[S$type == t, ]
    if (model == "ll3") d <- d[d$conc > 0, ]  # c = 0 fixed: zero-dose rows uninformative
    g <- glm(cbind(dead, total - dead) ~ log(conc), family = binomial, data = S[S$type == t & S$conc > 0, ])
    b0 <- -coef(g)[[2]]; le0 <- -coef(g)[[1]] / coef(g)[[2]]
    start <- if (model == "ll4") c(b0, 0.02, 0.98, le0) else c(b0, 0.98, le0)
    o <- optim(start, negll, d = d, model = model, method = "BFGS",
               control = list(reltol = 1e-15, maxit = 10000, parscale = c(1, rep(0.1, length(start) - 2), 1)))
    o <- optim(o$par, negll, d = d, model = model, control = list(reltol = 1e-15, maxit = 20000))
    o <- optim(o$par, negll, d = d, model = model, method = "BFGS", control = list(reltol = 1e-16, maxit = 10000))
    H <- optimHess(o$par, negll, d = d, model = model, control = list(ndeps = 1e-5 * pmax(abs(o$par), 1e-2)))
    V <- solve(H)
    k <- length(o$par)
    names_ <- if (model == "ll4") c("b", "c", "d", "log_e") else c("b", "d", "log_e")
    res[[as.character(t)]] <- list(type = t, terms = names_, estimate = o$par, se = sqrt(diag(V)),
      e = exp(o$par[k]), e_se = exp(o$par[k]) * sqrt(V[k, k]), logLik = -o$value,
      AIC = 2 * o$value + 2 * k, n_rows = nrow(d), convergence = o$convergence)
  }
  out[[model]] <- res
}
write_json(out, "reference/curves/inference_quantal_selenium.json", auto_unbox = TRUE, digits = NA, pretty = TRUE)
