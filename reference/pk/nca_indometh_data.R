# Recreate R's datasets::Indometh (6 subjects, IV bolus 25 mg indomethacin,
# plasma concentrations in mcg/mL, times in h) as reference/pk/nca_indometh.csv.
# The PKNCA results for these data are /work/shared/reference/pk/indometh_nca_pknca.csv.
# Run from the repository root:  Rscript reference/pk/nca_indometh_data.R
d <- as.data.frame(datasets::Indometh)
d$Subject <- as.integer(as.character(d$Subject))
d <- d[order(d$Subject, d$time), c("Subject", "time", "conc")]
write.csv(d, "reference/pk/nca_indometh.csv", row.names = FALSE)
