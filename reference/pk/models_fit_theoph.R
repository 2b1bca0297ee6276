# Reference for preclin.pk.fit_pk: R nls with the self-starting 1-compartment
# oral model SSfol (log ke, log ka, log Cl) on each subject of the Theoph data.
# Regenerate:  Rscript reference/pk/models_fit_theoph.R   (from the repo root)
d <- as.data.frame(Theoph)
d$Subject <- as.integer(as.character(d$Subject))
write.csv(d[, c("Subject", "Wt", "Dose", "Time", "conc")],
          "reference/pk/models_fit_theoph_data.csv", row.names = FALSE)
rows <- list()
for (s in c(1, 2, 5, 12)) {
  di <- d[d$Subject == s, ]
  fit <- nls(conc ~ SSfol(Dose, Time, lKe, lKa, lCl), data = di)
  co <- summary(fit)$coefficients
  rows[[length(rows) + 1]] <- data.frame(
    subject = s, dose_mg_per_kg = di$Dose[1],
    log_ke = co["lKe", 1], log_ka = co["lKa", 1], log_cl = co["lCl", 1],
    log_ke_se = co["lKe", 2], log_ka_se = co["lKa", 2], log_cl_se = co["lCl", 2],
    sigma = summary(fit)$sigma, df = df.residual(fit), rss = deviance(fit)
  )
}
out <- do.call(rbind, rows)
write.csv(out, "reference/pk/models_fit_theoph_nls.csv", row.names = FALSE)
print(out, digits = 12)
