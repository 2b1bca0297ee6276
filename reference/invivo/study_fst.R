# Independent re-analysis of the bundled FST study (src/preclin/datasets/data/fst_*) in R.
# Regenerate:  cd reference/invivo && Rscript study_fst.R   (writes study_fst.json)
# Scores immobility in 120-360 s from the event log by interval clipping, unblinds with the
# key in fst_study.yaml, then aov() and multcomp Dunnett (one-sided "less") vs vehicle.
suppressMessages({library(jsonlite); library(multcomp); library(yaml)})
data_dir <- "../../src/preclin/datasets/data"
ev <- read.csv(file.path(data_dir, "fst_events.csv"))
ani <- read.csv(file.path(data_dir, "fst_animals.csv"))
study <- yaml.load_file(file.path(data_dir, "fst_study.yaml"))
key <- unlist(study$blinding$codes)
levels <- sapply(study$groups, function(g) g$name)
clip <- function(a, b) pmax(0, pmin(b, 360) - pmax(a, 120))
ev$imm <- ifelse(ev$behavior == "immobility", clip(ev$start_s, ev$stop_s), 0)
ev$swim <- ifelse(ev$behavior == "swimming", clip(ev$start_s, ev$stop_s), 0)
sc <- aggregate(cbind(imm, swim) ~ animal, data = ev, FUN = sum)
first_imm <- aggregate(start_s ~ animal, data = ev[ev$behavior == "immobility", ], FUN = min)
sc <- merge(merge(sc, first_imm, all.x = TRUE), ani)
sc$group <- factor(key[sc$code], levels = levels)
out <- list(command = "Rscript study_fst.R (R 4.2, aov + multcomp::glht Dunnett)")
for (dv in c("imm", "swim")) {
  fit <- aov(as.formula(paste(dv, "~ group")), data = sc)
  tab <- summary(fit)[[1]]
  alt <- if (dv == "imm") "less" else "greater"
  set.seed(1)
  g <- summary(glht(fit, linfct = mcp(group = "Dunnett"), alternative = alt))
  out[[dv]] <- list(
    mean = tapply(sc[[dv]], sc$group, mean),
    sem = tapply(sc[[dv]], sc$group, function(v) sd(v) / sqrt(length(v))),
    n = as.vector(table(sc$group)),
    F = tab[["F value"]][1], pvalue_anova = tab[["Pr(>F)"]][1],
    dunnett_estimate = unname(g$test$coefficients), dunnett_t = unname(g$test$tstat),
    dunnett_p = unname(g$test$pvalues))
}
out$latency_mean <- tapply(sc$start_s, sc$group, mean)
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "study_fst.json")
