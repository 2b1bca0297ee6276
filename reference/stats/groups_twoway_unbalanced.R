# Two-way ANOVA on an unbalanced subset of ToothGrowth: type I (aov), type II
# and type III (car::Anova, contr.sum). Regenerate from /work/main:
#   Rscript reference/stats/groups_twoway_unbalanced.R
suppressMessages({library(car); library(jsonlite)})
d <- read.csv("../shared/reference/stats/toothgrowth.csv")
keep <- rep(TRUE, nrow(d))
keep[c(1, 2, 3, 21, 35, 44, 45, 58)] <- FALSE  # drop 8 animals: cells now 7..10
d <- d[keep, ]
d$supp <- factor(d$supp, levels = c("OJ", "VC"))
d$dose_f <- factor(d$dose)
tab <- function(a) {
  a <- as.data.frame(a)
  data.frame(term = rownames(a), ss = a[["Sum Sq"]], df = a[["Df"]],
             F = a[["F value"]], p = a[["Pr(>F)"]])
}
options(contrasts = c("contr.sum", "contr.poly"))
fit <- lm(len ~ supp * dose_f, data = d)
t1 <- summary(aov(len ~ supp * dose_f, data = d))[[1]]
out <- list(
  call = "lm(len ~ supp * dose_f) with contr.sum; aov type I; car::Anova type 2 and 3",
  data = d[, c("len", "supp", "dose")],
  anova_type1 = tab(t1),
  anova_type2 = tab(Anova(fit, type = 2)),
  anova_type3 = tab(Anova(fit, type = 3)),
  session = R.version.string
)
write_json(out, "reference/stats/groups_twoway_unbalanced.json", digits = NA, auto_unbox = TRUE,
           pretty = TRUE, na = "null")
