# Reference values for preclin.invivo agreement statistics (ICC, Bland-Altman, kappa).
# Regenerate:  cd reference/invivo && Rscript agreement.R
# Writes agreement_data.csv (two raters' immobility, s), agreement_bins.csv
# (two raters' labels of 5-s bins) and agreement.json (results).
# ICCs from aov() mean squares (Shrout & Fleiss 1979 / McGraw & Wong 1996,
# the formulas of psych::ICC, which is not in Debian) and, independently, from
# lme4 variance components; kappa and its Fleiss-Cohen-Everitt (1969) SE by hand.
suppressMessages({library(jsonlite); library(lme4)})
set.seed(20240611)
n <- 14
truth <- round(runif(n, 60, 220), 1)
a <- round(truth + rnorm(n, 0, 12), 1)
b <- round(truth + 8 + rnorm(n, 0, 12), 1)         # rater b scores ~8 s more
d <- data.frame(animal = sprintf("R%02d", 1:n), rater_a = a, rater_b = b)
write.csv(d, "agreement_data.csv", row.names = FALSE)

long <- data.frame(y = c(a, b), subject = factor(rep(d$animal, 2)),
                   rater = factor(rep(c("a", "b"), each = n)))
fit <- aov(y ~ subject + rater, data = long)
ms <- summary(fit)[[1]][["Mean Sq"]]
msr <- ms[1]; msc <- ms[2]; mse <- ms[3]; k <- 2
icc2 <- (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
icc3 <- (msr - mse) / (msr + (k - 1) * mse)
alpha <- 0.05
f3 <- msr / mse
fl <- f3 / qf(1 - alpha / 2, n - 1, (n - 1) * (k - 1))
fu <- f3 * qf(1 - alpha / 2, (n - 1) * (k - 1), n - 1)
ci3 <- c((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
fj <- msc / mse
vn <- (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2)^2
vd <- (n - 1) * k^2 * icc2^2 * fj^2 + (n * (1 + (k - 1) * icc2) - k * icc2)^2
v <- vn / vd
fu2 <- qf(1 - alpha / 2, n - 1, v); fl2 <- qf(1 - alpha / 2, v, n - 1)
ci2 <- c(n * (msr - fu2 * mse) / (fu2 * (k * msc + (k * n - k - n) * mse) + n * msr),
         n * (fl2 * msr - mse) / (k * msc + (k * n - k - n) * mse + n * fl2 * msr))

# independent: variance components (REML = ANOVA estimators for balanced data)
vc2 <- as.data.frame(VarCorr(lmer(y ~ 1 + (1 | subject) + (1 | rater), data = long, REML = TRUE)))
s2 <- setNames(vc2$vcov, vc2$grp)
icc2_lmer <- s2[["subject"]] / sum(s2)
vc3 <- as.data.frame(VarCorr(lmer(y ~ rater + (1 | subject), data = long, REML = TRUE)))
s3 <- setNames(vc3$vcov, vc3$grp)
icc3_lmer <- s3[["subject"]] / sum(s3)

# Bland-Altman (Bland & Altman 1999: SE(LoA) = s * sqrt(1/n + z^2 / (2 (n - 1))))
dd <- a - b; bias <- mean(dd); s <- sd(dd); z <- qnorm(0.975); tq <- qt(0.975, n - 1)
se_bias <- s / sqrt(n); se_loa <- s * sqrt(1 / n + z^2 / (2 * (n - 1)))
loa <- c(bias - z * s, bias + z * s)

# kappa on 5-s bins: 3 animals x 48 bins, rater b disagrees on ~15 % of bins
labs <- c("immobility", "swimming", "climbing")
la <- sample(labs, 144, replace = TRUE, prob = c(0.5, 0.35, 0.15))
lb <- la; flip <- runif(144) < 0.15; lb[flip] <- sample(labs, sum(flip), replace = TRUE)
write.csv(data.frame(animal = rep(c("R01", "R02", "R03"), each = 48),
                     time_s = rep(seq(120, 355, by = 5), 3), rater_a = la, rater_b = lb),
          "agreement_bins.csv", row.names = FALSE)
tab <- table(factor(la, levels = sort(labs)), factor(lb, levels = sort(labs)))
p <- tab / sum(tab); pr <- rowSums(p); pc <- colSums(p)
po <- sum(diag(p)); pe <- sum(pr * pc); kap <- (po - pe) / (1 - pe)
ta <- sum(diag(p) * (1 - (pr + pc) * (1 - kap))^2)
tb <- 0
for (i in seq_along(pr)) for (j in seq_along(pc)) if (i != j) tb <- tb + p[i, j] * (pc[i] + pr[j])^2
tb <- (1 - kap)^2 * tb
tc <- (kap - pe * (1 - kap))^2
se_k <- sqrt((ta + tb - tc) / ((1 - pe)^2 * sum(tab)))

out <- list(
  command = "Rscript agreement.R (R 4.2, aov mean squares; lme4 VarCorr; kappa by hand)",
  icc2_1 = icc2, icc2_1_ci = ci2, icc3_1 = icc3, icc3_1_ci = ci3,
  icc2_1_lmer = icc2_lmer, icc3_1_lmer = icc3_lmer,
  ms = c(msr = msr, msc = msc, mse = mse),
  bias = bias, bias_se = se_bias, bias_ci = bias + c(-1, 1) * tq * se_bias,
  loa = loa, loa_se = se_loa,
  loa_low_ci = loa[1] + c(-1, 1) * tq * se_loa, loa_high_ci = loa[2] + c(-1, 1) * tq * se_loa,
  kappa = kap, kappa_se = se_k, kappa_ci = kap + c(-1, 1) * qnorm(0.975) * se_k, kappa_po = po)
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "agreement.json")
