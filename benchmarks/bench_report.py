"""Benchmark: building a guide (warm) and `preclin --help` start-up.

Times, in one run:

* the basimglurant guide (≥ 6 figures; curve fits, NCA, PK/occupancy, FST
  analysis, diagrams) built warm (imports loaded, starter store cached),
  against the obvious alternative of saving the same figures one by one with
  ``plt.savefig`` to PNG files, the way hand-assembled guides are made
  (figures only; no tables, references or analyses);
* a plate report (:func:`preclin.report.write_plate_report`) against saving
  its two figures as PNG by hand;
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

    n_hand = min(n_fig, len(plot_study(study)))

    def by_hand() -> None:
        figs = plot_study(study)
        for i, fig in enumerate(list(figs.values())[:n_hand]):
            fig.savefig(out.parent / f"fig{i}.png", dpi=150)

    t_hand = _best(by_hand, repeat)
    print(
        f"guide build (warm, {n_fig} figures, {len(html) / 1e3:.0f} kB HTML): {t_guide:.2f} s "
        f"(target ≤ 5 s) → {n_fig / t_guide:.1f} figures/s"
    )
    print(
        f"figures only ({n_hand} study figures saved one by one as PNG): {t_hand:.2f} s "
        f"→ {n_hand / t_hand:.1f} figures/s; "
        f"ratio of rates hand/guide {n_hand / t_hand / (n_fig / t_guide):.2f}"
    )

    # a plate report (QC, curve table, CI-band figure, heat map) from an analysed plate,
    # against the same two figures saved as PNG by hand
    from preclin.assays import fit_plates, read_layout, read_traces
    from preclin.report import plot_plate_curves, plot_plate_map, write_plate_report
    from preclin.report._plate import fit_plate_curves

    plate = fit_plates(
        read_traces(example_path("flipr_basimglurant_traces")),
        read_layout(example_path("flipr_basimglurant_layout")),
        agonist_conc="3uM",
        agonist_ec50="0.9uM",
    )
    shown = ["basimglurant", "MPEP", "MTEP", "fenobam"]
    page = out.parent / "plate.html"
    write_plate_report(plate, page, compounds=shown)  # warm
    t_plate = _best(lambda: write_plate_report(plate, page, compounds=shown), repeat)

    def plate_by_hand() -> None:
        fits = fit_plate_curves(plate, shown)
        plot_plate_curves(plate, fits).savefig(out.parent / "curves.png", dpi=150)
        plot_plate_map(plate).savefig(out.parent / "map.png", dpi=150)

    t_plate_hand = _best(plate_by_hand, repeat)
    print(
        f"plate report (2 tables, 2 figures, {page.stat().st_size / 1e3:.0f} kB): "
        f"{t_plate:.2f} s; same figures as PNG by hand: {t_plate_hand:.2f} s; "
        f"ratio {t_plate / t_plate_hand:.2f}"
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
