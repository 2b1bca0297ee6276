# Independent reference fits of the receptor-theory models with R nls (Gauss-Newton SEs).
# Run from the repository root:  Rscript reference/receptor/fit_reference.R
# Reads reference/receptor/*.csv (made by make_data.py), writes reference/receptor/nls_results.json.
suppressMessages(library(jsonlite))
dir <- "reference/receptor"
rd <- function(name) read.csv(file.path(dir, paste0(name, ".csv")))
ctl <- nls.control(maxiter = 500, tol = 1e-6, minFactor = 1e-12)  # nls default 1e-5
out <- list()
summ <- function(fit) {
  s <- summary(fit)
  list(estimate = as.list(coef(fit)), stderr = as.list(s$coefficients[, "Std. Error"]),
       rss = sum(residuals(fit)^2), df = df.residual(fit), sigma = s$sigma,
       loglik = as.numeric(logLik(fit)), aic = AIC(fit))
}

# --- Schild: shared bottom/top/hill, one log10 EC50 per antagonist level -------------
d <- rd("schild")
d$curve <- factor(d$antagonist_M)
f <- nls(response ~ bottom + (top - bottom) / (1 + 10^(hill * (lec[curve] - log10(agonist_M)))),
         data = d, start = list(bottom = 2, top = 98, hill = 1.1, lec = c(-7, -6.7, -5.7, -4.7)),
         control = ctl)
ec50 <- 10^coef(f)[grep("lec", names(coef(f)))]
B <- sort(unique(d$antagonist_M))
dr <- ec50 / ec50[1]
yy <- log10(dr[-1] - 1); xx <- log10(B[-1])
lmf <- lm(yy ~ xx)
cf <- coef(lmf); V <- vcov(lmf)
pa2 <- unname(cf[1] / cf[2])
g <- c(1 / cf[2], -cf[1] / cf[2]^2)
pk <- yy - xx
out$schild <- list(
  ec50 = unname(ec50), dose_ratio = unname(dr),
  slope = unname(cf[2]), slope_se = sqrt(V[2, 2]), intercept = unname(cf[1]),
  intercept_se = sqrt(V[1, 1]), slope_ci = unname(confint(lmf)[2, ]),
  pa2 = pa2, pa2_se = sqrt(drop(t(g) %*% V %*% g)),
  pkb = mean(pk), pkb_se = sd(pk) / sqrt(length(pk)))
gs <- nls(response ~ bottom + (top - bottom) / (1 + 10^(hill * (log10_ec50 +
            log10(1 + 10^(schild_slope * (log10(antagonist_M) + pa2))) - log10(agonist_M)))),
          data = transform(d, antagonist_M = pmax(antagonist_M, 1e-300)),
          start = list(bottom = 2, top = 98, hill = 1.1, log10_ec50 = -7, pa2 = 8.3,
                       schild_slope = 1), control = ctl)
out$gaddum_schild <- summ(gs)

# --- Operational model: Em = 100, basal = 0 fixed; n, KA, tau free ---------------------
d <- rd("operational")
d$ag <- factor(d$agonist, levels = c("8-OH-DPAT", "buspirone"))
f <- nls(response ~ 100 * (10^lt[ag] * conc_M / (conc_M + 10^lk[ag]))^n /
           (1 + (10^lt[ag] * conc_M / (conc_M + 10^lk[ag]))^n),
         data = d, start = list(n = 1, lk = log10(c(3e-8, 2e-8)), lt = log10(c(30, 1.5))),
         control = ctl)
out$operational <- summ(f)

# --- Furchgott (operational, receptor depletion): basal = 0; shared KA, Em, n ---------
d <- rd("furchgott")
d$tr <- factor(d$treatment, levels = c("EEDQ", "control"))
f <- nls(response ~ em * (10^lt[tr] * conc_M / (conc_M + 10^lk))^n /
           (1 + (10^lt[tr] * conc_M / (conc_M + 10^lk))^n),
         data = d, start = list(em = 100, n = 1.2, lk = -6, lt = log10(c(2, 50))), control = ctl)
out$furchgott <- summ(f)
out$furchgott$fraction_remaining <- unname(10^(coef(f)["lt1"] - coef(f)["lt2"]))

# --- Operational allosteric model: log10 KA = -6 (1000 nM), tau_B = 0 fixed ------------
d <- rd("allosteric")
d$A <- d$agonist_nM * 1e-9; d$B <- d$nam_nM * 1e-9
f <- nls(response ~ basal + (em - basal) * (
           (10^log10_tau_a * A * (10^log10_kb + 10^log10_alpha * 10^log10_beta * B)) /
           (A * 10^log10_kb + 1e-6 * 10^log10_kb + 1e-6 * B + 10^log10_alpha * A * B))^n /
           (1 + ((10^log10_tau_a * A * (10^log10_kb + 10^log10_alpha * 10^log10_beta * B)) /
           (A * 10^log10_kb + 1e-6 * 10^log10_kb + 1e-6 * B + 10^log10_alpha * A * B))^n),
         data = d, start = list(basal = 3, em = 100, n = 1, log10_kb = log10(1.1e-9),
                                log10_alpha = log10(0.5), log10_beta = log10(0.05),
                                log10_tau_a = log10(8)),
         control = nls.control(maxiter = 500, tol = 1e-6, minFactor = 1e-12))
# (the relative-offset criterion stalls near 1e-7 here with numerical derivatives)
out$allosteric <- summ(f)

# --- Allosteric EC50 shift ----------------------------------------------------------
d <- rd("allosteric_shift")
d$A <- d$agonist_nM * 1e-9; d$B <- d$modulator_nM * 1e-9
f <- nls(response ~ bottom + (top - bottom) / (1 + (10^log10_ec50 * (1 + B / 10^log10_kb) /
           (1 + 10^log10_alpha * B / 10^log10_kb) / A)^hill),
         data = d, start = list(bottom = 0, top = 100, hill = 1, log10_ec50 = -7,
                                log10_kb = log10(3e-7), log10_alpha = log10(0.03)),
         control = ctl)
out$allosteric_shift <- summ(f)

# --- Saturation binding: total and nonspecific fitted together ----------------------
d <- rd("saturation")
s <- data.frame(L = c(d$ligand_nM, d$ligand_nM), tot = rep(c(1, 0), each = nrow(d)),
                y = c(d$total, d$nonspecific))
f <- nls(y ~ tot * bmax * L / (kd + L) + ns * L + background, data = s,
         start = list(bmax = 1200, kd = 1.1, ns = 8, background = 30), control = ctl)
out$saturation <- summ(f)
d <- rd("saturation_depletion")
s <- data.frame(L = c(d$ligand_total_nM, d$ligand_total_nM),
                tot = rep(c(1, 0), each = nrow(d)), y = c(d$total, d$nonspecific))
freeL <- function(L, bmax, kd, ns, tot) {
  a <- 1 + ns; b <- a * kd + bmax - L
  ifelse(tot > 0, (-b + sqrt(b^2 + 4 * a * L * kd)) / (2 * a), L / a)
}
f <- nls(y ~ tot * bmax * freeL(L, bmax, kd, ns, tot) / (kd + freeL(L, bmax, kd, ns, tot)) +
           ns * freeL(L, bmax, kd, ns, tot) + background, data = s,
         start = list(bmax = 0.8, kd = 0.5, ns = 0.05, background = 0), control = ctl)
out$saturation_depletion <- summ(f)

# --- Competition binding: one vs two sites, Cheng-Prusoff inside the fit ------------
d <- rd("competition")
d$I <- d$competitor_nM * 1e-9
sh <- log10(1 + 1 / 1)
f1 <- nls(bound ~ bottom + (top - bottom) / (1 + 10^(log10(I) - log10_ki - sh)), data = d,
          start = list(bottom = 50, top = 2000, log10_ki = -8), control = ctl)
f2 <- nls(bound ~ bottom + (top - bottom) * (fraction_high / (1 + 10^(log10(I) - log10_ki_high - sh)) +
            (1 - fraction_high) / (1 + 10^(log10(I) - log10_ki_low - sh))), data = d,
          start = list(bottom = 50, top = 2000, log10_ki_high = log10(2e-9),
                       log10_ki_low = log10(3e-7), fraction_high = 0.4), control = ctl)
a <- anova(f1, f2)
out$competition_one <- summ(f1)
out$competition_two <- summ(f2)
out$competition_f <- list(statistic = a[2, "F value"], pvalue = a[2, "Pr(>F)"], df_diff = a[2, "Df"])

# --- Closed forms -------------------------------------------------------------------
ic50 <- c(12, 24, 300); A <- c(3000, 100, 10); ec <- c(900, 50, 30); nh <- c(1, 1.5, 0.8)
out$closed <- list(
  ki = ic50 / (1 + c(1, 2, 0.5) / c(1, 1.1, 2)),
  kb_cp = ic50 / (1 + A / ec),
  kb_ld = ic50 / ((2 + (A / ec)^nh)^(1 / nh) - 1),
  occupancy = c(5, 1.1, 0.3)^c(1, 1.5, 0.7) / (c(5, 1.1, 0.3)^c(1, 1.5, 0.7) + 1.1^c(1, 1.5, 0.7)),
  occupancy_gaddum = (5 / 1.1) / (1 + 5 / 1.1 + 40 / 12),
  operational = 3 + (100 - 3) * (c(0, 1, 10, 100) * 7)^1.3 /
    ((c(0, 1, 10, 100) + 20)^1.3 + (c(0, 1, 10, 100) * 7)^1.3),
  op_ec50 = 20 / ((2 + 7^1.3)^(1 / 1.3) - 1),
  allosteric = local({
    a <- c(1, 100, 1000, 100); b <- c(0, 10, 10, 1000)
    act <- 30 * a * (10 + 0.3 * 0.05 * b) + 0.5 * b * 1000
    occ <- a * 10 + 1000 * 10 + 1000 * b + 0.3 * a * b
    2 + (100 - 2) * act^1.2 / (act^1.2 + occ^1.2)
  }))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(dir, "nls_results.json"))
cat("wrote", file.path(dir, "nls_results.json"), "\n")
