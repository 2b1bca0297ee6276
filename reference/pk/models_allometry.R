# Reference for preclin.pk.fit_allometry: R lm on log-log scale.
# Regenerate:  Rscript reference/pk/models_allometry.R   (from the repo root)
d <- data.frame(
  species = c("mouse", "rat", "rabbit", "monkey", "dog"),
  weight_kg = c(0.02, 0.25, 2.5, 5, 12),
  value = c(0.004, 0.035, 0.25, 0.4, 1.0)
)
write.csv(d, "reference/pk/models_allometry_data.csv", row.names = FALSE)
new <- data.frame(weight_kg = 70)
free <- lm(log(value) ~ log(weight_kg), data = d)
pf <- predict(free, new, interval = "confidence", level = 0.95)
cf <- summary(free)$coefficients
fixed <- lm(log(value) ~ 1 + offset(0.75 * log(weight_kg)), data = d)
px <- predict(fixed, new, interval = "confidence", level = 0.95)
cx <- summary(fixed)$coefficients
out <- data.frame(
  fit = c("free", "fixed_0.75"),
  coefficient = exp(c(cf[1, 1], cx[1, 1])),
  exponent = c(cf[2, 1], 0.75),
  log_coefficient_stderr = c(cf[1, 2], cx[1, 2]),
  exponent_stderr = c(cf[2, 2], NA),
  df = c(free$df.residual, fixed$df.residual),
  predicted = exp(c(pf[1, "fit"], px[1, "fit"])),
  ci_low = exp(c(pf[1, "lwr"], px[1, "lwr"])),
  ci_high = exp(c(pf[1, "upr"], px[1, "upr"]))
)
write.csv(out, "reference/pk/models_allometry_lm.csv", row.names = FALSE)
print(out, digits = 15)
