"""Benchmark: building a guide (warm) and `preclin --help` start-up.

Times, in one run:

* the basimglurant guide (≥ 6 figures; curve fits, NCA, PK/occupancy, FST
  analysis, diagrams) built warm (imports loaded, starter store cached),
  against the obvious alternative of saving the same figures one by one with
  ``plt.savefig`` to PNG files, the way hand-assembled guides are made
  (figures only; no tables, references or analyses);
* ``preclin --help`` in a fresh interpreter (target ≤ 0.5 s), against
  ``python -c pass`` (the floor).

Usage: ``python benchmarks/bench_report.py [--quick]``
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    quick = "--quick" in sys.argv
    repeat = 1 if quick else 3
    from preclin.report import write_guide

    out = Path(tempfile.mkdtemp()) / "basimglurant.html"
    write_guide("basimglurant", out)  # warm: imports, numba caches, starter store
    t_guide = _best(lambda: write_guide("basimglurant", out), repeat)
    html = out.read_text(encoding="utf-8")
    n_fig = html.count('<figure class="figure"')

    # the alternative: the same kinds of figures saved to PNG files by hand
    import matplotlib

    matplotlib.use("Agg")
    from preclin.datasets import example_path
    from preclin.invivo import analyze_study, plot_study

    study = analyze_study(example_path("fst_study"))

    def by_hand() -> None:
        figs = plot_study(study)
        for i, fig in enumerate(list(figs.values())[:n_fig]):
            fig.savefig(out.parent / f"fig{i}.png", dpi=150)

    t_hand = _best(by_hand, repeat)
    print(
        f"guide build (warm, {n_fig} figures, {len(html) / 1e3:.0f} kB HTML): {t_guide:.2f} s "
        f"(target ≤ 5 s) → {n_fig / t_guide:.1f} figures/s"
    )
    print(
        f"figures only, saved one by one as PNG:  {t_hand:.2f} s "
        f"→ {n_fig / t_hand:.1f} figures/s; ratio guide/hand {t_guide / t_hand:.2f}"
    )

    def run(args: list[str]) -> float:
        return _best(lambda: subprocess.run(args, check=True, capture_output=True), 3)

    t_help = run([sys.executable, "-m", "preclin", "--help"])
    t_floor = run([sys.executable, "-c", "pass"])
    print(
        f"preclin --help: {t_help:.3f} s (target ≤ 0.5 s); bare python: {t_floor:.3f} s; "
        f"ratio {t_help / t_floor:.1f}"
    )


if __name__ == "__main__":
    main()
