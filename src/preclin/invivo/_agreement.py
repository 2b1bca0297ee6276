"""Agreement between two raters (or rater vs automatic scoring): ICC, Bland–Altman, κ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from preclin.core import InputError, Result, check_array, check_scalar

__all__ = ["AgreementResult", "calculate_agreement", "calculate_icc", "calculate_kappa"]


def calculate_icc(ratings: np.ndarray, *, confidence: float = 0.95) -> pd.DataFrame:
    """Intraclass correlations ICC(2,1) and ICC(3,1) with confidence intervals.

    Parameters
    ----------
    ratings : array (subjects × raters)
        One row per animal, one column per rater (or method); no missing
        values.
    confidence : float
        Level of the confidence intervals.

    Returns
    -------
    DataFrame
        Two rows, ``measure`` = ``"ICC(2,1)"`` (two-way random effects,
        absolute agreement, single rater — use it to ask "do the raters give
        the same seconds?") and ``"ICC(3,1)"`` (two-way mixed, consistency —
        "do they rank the animals alike?"), with ``estimate``, ``ci_low``,
        ``ci_high``, ``n`` (subjects) and ``k`` (raters).

    Notes
    -----
    From the two-way ANOVA mean squares (rows MSR, raters MSC, residual MSE;
    Shrout & Fleiss 1979, McGraw & Wong 1996):

    .. math::

       ICC(2,1) = \\frac{MSR - MSE}{MSR + (k-1) MSE + k (MSC - MSE)/n}, \\qquad
       ICC(3,1) = \\frac{MSR - MSE}{MSR + (k-1) MSE}

    CIs: ICC(3,1) from the F distribution of MSR/MSE; ICC(2,1) with the
    Satterthwaite degrees of freedom of McGraw & Wong (as in R psych ``ICC``).
    Agrees with R 4.2 ``aov`` mean squares and with the variance components of
    ``lme4::lmer`` (crossed random subjects and raters), to 1e-6 / 1e-4
    (``reference/invivo/agreement.R``).

    Examples
    --------
    >>> y = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6],
    ...               [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float)   # Shrout & Fleiss
    >>> calculate_icc(y)["estimate"].round(2).tolist()
    [0.29, 0.71]
    """
    y = check_array("ratings", ratings, ndim=2)
    n, k = y.shape
    if n < 2 or k < 2:
        raise InputError(
            f"Invalid `ratings`: needs at least 2 subjects and 2 raters, got {n} × {k}."
        )
    check_scalar("confidence", confidence, low=0, high=1, closed="neither")
    grand = y.mean()
    ssr = k * np.sum((y.mean(axis=1) - grand) ** 2)
    ssc = n * np.sum((y.mean(axis=0) - grand) ** 2)
    sse = np.sum((y - grand) ** 2) - ssr - ssc
    df1, dfc, dfe = n - 1, k - 1, (n - 1) * (k - 1)
    msr, msc, mse = ssr / df1, ssc / dfc, sse / dfe
    q = 1 - (1 - confidence) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        icc2 = (msr - mse) / (msr + (k - 1) * mse + k * (msc - mse) / n)
        icc3 = (msr - mse) / (msr + (k - 1) * mse)
        f3 = msr / mse
        fl, fu = f3 / stats.f.ppf(q, df1, dfe), f3 * stats.f.ppf(q, dfe, df1)
        ci3 = ((fl - 1) / (fl + k - 1), (fu - 1) / (fu + k - 1))
        fj = msc / mse
        vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        vd = (n - 1) * k**2 * icc2**2 * fj**2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2
        v = vn / vd
        f_up, f_low = stats.f.ppf(q, n - 1, v), stats.f.ppf(q, v, n - 1)
        extra = k * msc + (k * n - k - n) * mse
        ci2 = (
            n * (msr - f_up * mse) / (f_up * extra + n * msr),
            n * (f_low * msr - mse) / (extra + n * f_low * msr),
        )
    return pd.DataFrame(
        {
            "measure": ["ICC(2,1)", "ICC(3,1)"],
            "estimate": [icc2, icc3],
            "ci_low": [ci2[0], ci3[0]],
            "ci_high": [ci2[1], ci3[1]],
            "n": n,
            "k": k,
        }
    )


def _bland_altman(a: np.ndarray, b: np.ndarray, confidence: float) -> pd.DataFrame:
    d = a - b
    n = d.size
    bias, sd = d.mean(), d.std(ddof=1)
    q = 1 - (1 - confidence) / 2
    z = stats.norm.ppf(q)
    t = stats.t.ppf(q, n - 1)
    se_bias = sd / np.sqrt(n)
    se_loa = sd * np.sqrt(1 / n + z**2 / (2 * (n - 1)))
    lo, hi = bias - z * sd, bias + z * sd
    return pd.DataFrame(
        {
            "measure": ["bias", "loa_low", "loa_high"],
            "estimate": [bias, lo, hi],
            "stderr": [se_bias, se_loa, se_loa],
            "ci_low": [bias - t * se_bias, lo - t * se_loa, hi - t * se_loa],
            "ci_high": [bias + t * se_bias, lo + t * se_loa, hi + t * se_loa],
            "n": n,
        }
    )


def calculate_kappa(
    labels_a: Sequence[object] | pd.Series,
    labels_b: Sequence[object] | pd.Series,
    *,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cohen's κ between two raters' labels of the same time bins.

    Parameters
    ----------
    labels_a, labels_b : sequences of labels
        One label per time bin (e.g. immobility / swimming / climbing for
        every 5-s bin of every animal), in the same order.
    confidence : float
        Level of the (asymptotic normal) confidence interval.

    Returns
    -------
    DataFrame
        One row: ``measure`` = ``"kappa"``, ``estimate``, ``stderr``
        (Fleiss, Cohen & Everitt 1969 large-sample SE), ``ci_low``,
        ``ci_high``, ``agreement`` (observed proportion), ``n`` (bins).

    Notes
    -----
    :math:`\\kappa = (p_o - p_e)/(1 - p_e)`, computed by statsmodels
    ``cohens_kappa`` on the contingency table; agrees with a by-hand R
    computation of the same formulas (``reference/invivo/agreement.R``).

    Examples
    --------
    >>> a = ["imm", "imm", "swim", "swim", "imm", "climb"]
    >>> b = ["imm", "swim", "swim", "swim", "imm", "climb"]
    >>> round(float(calculate_kappa(a, b)["estimate"].iloc[0]), 4)
    0.7391
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    check_scalar("confidence", confidence, low=0, high=1, closed="neither")
    sa, sb = pd.Series(list(labels_a), dtype=object), pd.Series(list(labels_b), dtype=object)
    if len(sa) != len(sb):
        raise InputError(
            f"the raters labelled {len(sa)} and {len(sb)} bins; κ needs the same bins",
            hint="score the same animals and window",
        )
    if len(sa) < 2:
        raise InputError("κ needs at least 2 labelled bins")
    if sa.isna().any() or sb.isna().any():
        which = "a" if sa.isna().any() else "b"
        pos = int(np.flatnonzero((sa if which == "a" else sb).isna().to_numpy())[0])
        raise InputError(f"bin {pos} of rater {which} has no label", hint="score every bin")
    cats = sorted(set(sa.astype(str)) | set(sb.astype(str)))
    table = pd.crosstab(
        pd.Categorical(sa.astype(str), categories=cats),
        pd.Categorical(sb.astype(str), categories=cats),
        dropna=False,
    ).to_numpy(dtype=float)
    res = cohens_kappa(table)
    half = stats.norm.ppf(1 - (1 - confidence) / 2) * float(res.std_kappa)
    return pd.DataFrame(
        {
            "measure": ["kappa"],
            "estimate": [float(res.kappa)],
            "stderr": [float(res.std_kappa)],
            "ci_low": [float(res.kappa) - half],
            "ci_high": [float(res.kappa) + half],
            "agreement": [float(np.trace(table) / table.sum())],
            "n": [len(sa)],
        }
    )


@dataclass(frozen=True, kw_only=True)
class AgreementResult(Result):
    """Agreement between two scorings of the same animals.

    Attributes
    ----------
    table : DataFrame
        One row per measure (ICC(2,1), ICC(3,1), Bland–Altman bias and
        limits of agreement, and κ on time bins when available) with
        ``estimate``, ``stderr``, ``ci_low``, ``ci_high``, ``n``.
    pairs : DataFrame
        The paired values: ``animal``, ``a``, ``b``, ``mean``, ``difference``
        (a − b), for a Bland–Altman plot.
    dv : str
        The measure compared (e.g. ``immobility_s``).
    """

    table: pd.DataFrame
    pairs: pd.DataFrame
    dv: str

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def _title(self) -> str:
        return f"Agreement on {self.dv} (n = {len(self.pairs)} animals)"

    def _summary_lines(self) -> list[str]:
        return [
            "ICC(2,1): two-way random, absolute agreement, single rater; "
            "ICC(3,1): two-way mixed, consistency. Bland–Altman: a − b, limits "
            "bias ± 1.96 SD with t-based CIs (Bland & Altman 1999)."
        ]


def calculate_agreement(
    rater_a: pd.DataFrame,
    rater_b: pd.DataFrame,
    *,
    dv: str = "immobility_s",
    animal: str = "animal",
    labels: tuple[Sequence[object], Sequence[object]] | None = None,
    confidence: float = 0.95,
) -> AgreementResult:
    """ICC, Bland–Altman and (optionally) κ between two scorings of the same animals.

    Parameters
    ----------
    rater_a, rater_b : DataFrame
        One row per animal with ``animal`` and ``dv`` (e.g. the output of
        :func:`calculate_fst_from_events` for each rater, or rater vs
        :func:`calculate_fst_from_video`). Animals are matched by label; an
        animal scored by one rater only is an InputError.
    dv : str
        The column compared.
    animal : str
        The animal column.
    labels : (labels_a, labels_b), optional
        Per-time-bin behaviour labels for κ (:func:`calculate_kappa`).
    confidence : float
        Level of all confidence intervals.

    Returns
    -------
    AgreementResult

    Examples
    --------
    >>> a = pd.DataFrame({"animal": list("ABCDE"), "immobility_s": [150, 120, 90, 200, 170]})
    >>> b = a.assign(immobility_s=[140, 125, 80, 190, 172])
    >>> r = calculate_agreement(a, b)
    >>> r.table.set_index("measure")["estimate"].round(3).to_dict()
    {'ICC(2,1)': 0.982, 'ICC(3,1)': 0.985, 'bias': 4.6, 'loa_low': -10.041, 'loa_high': 19.241}
    """
    from preclin.core import numeric_column, require_columns

    frames = []
    for name, df in (("a", rater_a), ("b", rater_b)):
        require_columns(df, [animal, dv])
        values = numeric_column(df, dv, what=dv)
        ids = df[animal].astype(str).str.strip()
        dup = ids.duplicated().to_numpy()
        if dup.any():
            from preclin.core import row_label, source_name

            pos = int(np.flatnonzero(dup)[0])
            raise InputError(
                f"animal {ids.iloc[pos]!r} appears twice",
                file=source_name(df),
                row=row_label(df, pos),
                column=animal,
                hint="one row per animal and rater",
            )
        frames.append(pd.Series(values, index=ids.to_numpy(), name=name))
    only_a = frames[0].index.difference(frames[1].index)
    only_b = frames[1].index.difference(frames[0].index)
    if len(only_a) or len(only_b):
        who, which = (only_a, "the first") if len(only_a) else (only_b, "the second")
        raise InputError(
            f"animal {str(who[0])!r} was scored only in {which} file",
            column=animal,
            hint="compare the same animals",
        )
    pairs = pd.concat(frames, axis=1).loc[frames[0].index]
    if len(pairs) < 3:
        raise InputError(f"agreement needs at least 3 animals, got {len(pairs)}")
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    icc = calculate_icc(np.column_stack([a, b]), confidence=confidence).drop(columns="k")
    parts = [icc, _bland_altman(a, b, confidence)]
    if labels is not None:
        parts.append(calculate_kappa(labels[0], labels[1], confidence=confidence))
    table = pd.concat(parts, ignore_index=True)
    cols = ["measure", "estimate", "stderr", "ci_low", "ci_high", "n"]
    table = table[cols + [c for c in table.columns if c not in cols]]
    out = pd.DataFrame(
        {
            "animal": pairs.index.to_numpy(),
            "a": a,
            "b": b,
            "mean": (a + b) / 2,
            "difference": a - b,
        }
    )
    return AgreementResult(table=table, pairs=out, dv=dv)
