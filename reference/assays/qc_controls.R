# Z' factor, signal-to-background and CV on hand-made control sets, in base R.
# Regenerate: Rscript reference/assays/qc_controls.R  (writes qc_controls.json)
# Z' = 1 - 3 (sd(pos) + sd(neg)) / |mean(pos) - mean(neg)|   (Zhang, Chung & Oldenburg 1999)
# S/B = mean(high) / mean(low); CV = 100 sd / mean; sd with n - 1 (R's sd).
library(jsonlite)
sets <- list(
  textbook = list(pos = c(100, 102, 98, 100), neg = c(10, 11, 9, 10)),
  flipr = list(pos = c(4520.3, 4711.8, 4390.2, 4655.0, 4801.7, 4432.9, 4598.4, 4700.1),
               neg = c(51.2, 38.7, 44.9, 60.3, 35.5, 47.8, 41.1, 55.0)),
  marginal = list(pos = c(1.9, 2.4, 2.1, 1.6, 2.8, 2.2), neg = c(1.1, 0.9, 1.4, 0.7, 1.2, 1.0)),
  negative_z = list(pos = c(5, 9, 3, 8, 4), neg = c(2, 6, 1, 7, 3))
)
out <- lapply(sets, function(s) {
  high <- s$pos; low <- s$neg
  list(pos = s$pos, neg = s$neg,
       z_prime = 1 - 3 * (sd(s$pos) + sd(s$neg)) / abs(mean(s$pos) - mean(s$neg)),
       signal_to_background = mean(high) / mean(low),
       cv_pos = 100 * sd(s$pos) / mean(s$pos),
       cv_neg = 100 * sd(s$neg) / mean(s$neg),
       mean_pos = mean(s$pos), sd_pos = sd(s$pos),
       mean_neg = mean(s$neg), sd_neg = sd(s$neg))
})
out$R_version <- R.version.string
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "qc_controls.json")
