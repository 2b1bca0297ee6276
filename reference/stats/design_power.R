# Reference values for preclin.stats power / sample-size functions.
# Regenerate: cd reference/stats && Rscript design_power.R   (writes design_power.json)
# Power values are R's closed forms (pwr 1.3.0, stats::power.t.test / power.prop.test with
# strict = TRUE, i.e. both rejection tails as pwr does). Solved quantities (n, effect) are
# re-solved here with uniroot(tol = 1e-12) on the same power functions, because pwr's own
# uniroot uses the default tol (~1.2e-4); pwr's default answers are kept as `pwr_default`.
suppressMessages(library(pwr))
library(jsonlite)
tight <- function(f, lower, upper) uniroot(f, c(lower, upper), tol = 1e-12)$root

t_power <- list()
for (type in c("two.sample", "one.sample", "paired")) {
  for (alt in c("two.sided", "greater", "less")) {
    for (d in c(0.2, 0.5, 0.8, 1.33, 2)) {
      for (n in c(3, 5, 10, 25.5)) {
        for (a in c(0.05, 0.01)) {
          dd <- if (alt == "less") -d else d
          p <- pwr.t.test(d = dd, n = n, sig.level = a, type = type, alternative = alt)$power
          t_power[[length(t_power) + 1]] <- list(type = type, alternative = alt, d = dd, n = n,
                                                 alpha = a, power = p)
        }
      }
    }
  }
}

t_solve_n <- list()
for (type in c("two.sample", "one.sample", "paired")) {
  for (alt in c("two.sided", "greater")) {
    for (d in c(0.5, 0.8, 1.33, 2)) {
      for (pw in c(0.8, 0.9)) {
        f <- function(n) pwr.t.test(d = d, n = n, type = type, alternative = alt)$power - pw
        n <- tight(f, 2 + 1e-10, 1e6)
        def <- pwr.t.test(d = d, power = pw, type = type, alternative = alt)$n
        t_solve_n[[length(t_solve_n) + 1]] <- list(type = type, alternative = alt, d = d,
                                                   power = pw, alpha = 0.05, n = n,
                                                   pwr_default = def)
      }
    }
  }
}

t_solve_d <- list()
for (type in c("two.sample", "one.sample")) {
  for (alt in c("two.sided", "greater")) {
    for (n in c(5, 10, 30)) {
      f <- function(d) pwr.t.test(d = d, n = n, type = type, alternative = alt)$power - 0.8
      d <- tight(f, 1e-7, 20)
      t_solve_d[[length(t_solve_d) + 1]] <- list(type = type, alternative = alt, n = n,
                                                 power = 0.8, alpha = 0.05, d = d)
    }
  }
}

# stats::power.t.test in raw units (delta, sd), both tails (strict = TRUE)
raw <- list()
for (case in list(c(40, 30, 0.8), c(10, 8, 0.9), c(2.5, 1.8, 0.8))) {
  delta <- case[1]; sd <- case[2]; pw <- case[3]
  f <- function(n) power.t.test(n = n, delta = delta, sd = sd, strict = TRUE)$power - pw
  n <- tight(f, 2 + 1e-10, 1e6)
  p10 <- power.t.test(n = 10, delta = delta, sd = sd, strict = TRUE)$power
  raw[[length(raw) + 1]] <- list(delta = delta, sd = sd, power = pw, alpha = 0.05, n = n,
                                 power_at_n10 = p10)
}

anova_power <- list()
for (k in c(3, 4, 6)) for (f in c(0.25, 0.4, 0.8)) for (n in c(5, 10, 20)) {
  p <- pwr.anova.test(k = k, n = n, f = f, sig.level = 0.05)$power
  anova_power[[length(anova_power) + 1]] <- list(k = k, f = f, n = n, alpha = 0.05, power = p)
}
anova_solve <- list()
for (k in c(3, 5)) for (f in c(0.25, 0.4, 0.8)) {
  fn <- function(n) pwr.anova.test(k = k, n = n, f = f)$power - 0.8
  n <- tight(fn, 2 + 1e-10, 1e6)
  ff <- function(f) pwr.anova.test(k = k, n = 10, f = f)$power - 0.8
  fe <- tight(ff, 1e-7, 50)
  anova_solve[[length(anova_solve) + 1]] <- list(k = k, f = f, power = 0.8, alpha = 0.05,
                                                 n = n, f_at_n10 = fe)
}

prop <- list()
for (pp in list(c(0.2, 0.5), c(0.1, 0.3), c(0.5, 0.8), c(0.05, 0.2))) {
  p1 <- pp[1]; p2 <- pp[2]
  h <- ES.h(p2, p1)
  for (alt in c("two.sided", "greater")) {
    pw20 <- pwr.2p.test(h = h, n = 20, alternative = alt)$power
    f <- function(n) pwr.2p.test(h = h, n = n, alternative = alt)$power - 0.8
    n <- tight(f, 2 + 1e-10, 1e6)
    prop[[length(prop) + 1]] <- list(p1 = p1, p2 = p2, h = h, alternative = alt,
                                     alpha = 0.05, power_at_n20 = pw20, n_for_power80 = n)
  }
}
h_solve <- list()
for (n in c(10, 50)) {
  f <- function(h) pwr.2p.test(h = h, n = n)$power - 0.8
  h_solve[[length(h_solve) + 1]] <- list(n = n, power = 0.8, alpha = 0.05, h = tight(f, 1e-7, 10))
}

prop_normal <- list()
for (pp in list(c(0.2, 0.5), c(0.1, 0.3), c(0.5, 0.8), c(0.05, 0.2))) {
  p1 <- pp[1]; p2 <- pp[2]
  for (alt in c("two.sided", "one.sided")) {
    pw20 <- power.prop.test(n = 20, p1 = p1, p2 = p2, alternative = alt, strict = TRUE)$power
    f <- function(n) power.prop.test(n = n, p1 = p1, p2 = p2, alternative = alt,
                                     strict = TRUE)$power - 0.8
    n <- tight(f, 1, 1e7)
    g <- function(q) power.prop.test(n = 30, p1 = p1, p2 = q, alternative = alt,
                                     strict = TRUE)$power - 0.8
    q <- tight(g, p1 + 1e-9, 1 - 1e-9)
    prop_normal[[length(prop_normal) + 1]] <- list(p1 = p1, p2 = p2, alternative = alt,
                                                   alpha = 0.05, power_at_n20 = pw20,
                                                   n_for_power80 = n, p2_at_n30 = q)
  }
}

out <- list(
  generated_by = "reference/stats/design_power.R",
  session = list(R = R.version.string, pwr = as.character(packageVersion("pwr"))),
  t_power = t_power, t_solve_n = t_solve_n, t_solve_d = t_solve_d, t_raw = raw,
  anova_power = anova_power, anova_solve = anova_solve,
  prop2_arcsine = prop, prop2_arcsine_solve_h = h_solve, prop2_normal = prop_normal,
  example = list(call = "pwr.t.test(d = 0.8, power = 0.8)",
                 n = pwr.t.test(d = 0.8, power = 0.8)$n)
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "design_power.json")
