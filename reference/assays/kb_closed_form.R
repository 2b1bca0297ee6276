# Functional KB from an antagonist IC50 (closed forms), in base R.
# Regenerate: Rscript reference/assays/kb_closed_form.R (writes kb_closed_form.json)
# Cheng-Prusoff: KB = IC50 / (1 + A/EC50); Leff & Dougall (1993): KB = IC50 / ((2 + (A/EC50)^n)^(1/n) - 1)
library(jsonlite)
cases <- data.frame(
  ic50 = c(0.00476, 0.036, 0.25, 1.7, 0.012),      # uM
  agonist_conc = c(3, 3, 10, 0.5, 3),               # uM
  agonist_ec50 = c(0.9, 0.9, 2.5, 0.9, 0.9),        # uM
  agonist_hill = c(1, 1.5, 0.8, 2, 1.2)
)
cases$kb_cheng_prusoff <- cases$ic50 / (1 + cases$agonist_conc / cases$agonist_ec50)
r <- cases$agonist_conc / cases$agonist_ec50
cases$kb_leff_dougall <- cases$ic50 / ((2 + r^cases$agonist_hill)^(1 / cases$agonist_hill) - 1)
writeLines(toJSON(list(cases = cases, R_version = R.version.string), digits = NA,
                  pretty = TRUE), "kb_closed_form.json")
