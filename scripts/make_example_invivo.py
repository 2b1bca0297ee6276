"""Generate the bundled behavioural examples (seeded, reproducible, simulated).

    python scripts/make_example_invivo.py

Writes into ``src/preclin/datasets/data/``:

* ``fst_events.csv`` / ``fst_rater_b.csv`` / ``fst_animals.csv`` /
  ``fst_study.yaml`` / ``fst_traces.csv`` – forced swim (basimglurant-like
  mGluR5 NAM vs imipramine), blinded event logs of two raters;
* ``cms_sucrose.csv`` – chronic mild stress, weekly two-bottle sucrose test
  (alnespirone-like inverted-U dose window vs imipramine);
* ``lh_trials.csv`` – learned helplessness shuttle-box trials;
* ``epm_tracking.csv`` – elevated plus maze x/y tracking (azapirone-like
  partial agonist vs diazepam) and ``epm_zones.yaml``.

Everything is simulated: the numbers are illustrative, not measured values.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261122
OUT = Path(__file__).resolve().parents[1] / "src/preclin/datasets/data"


# -- forced swim ------------------------------------------------------------
FST_GROUPS = [  # name, compound, dose mg/kg, route, target immobility (s, last 4 min)
    ("vehicle", "vehicle", 0.0, "p.o.", 165.0),
    ("basimglurant 0.3", "basimglurant", 0.3, "p.o.", 150.0),
    ("basimglurant 1", "basimglurant", 1.0, "p.o.", 120.0),
    ("basimglurant 3", "basimglurant", 3.0, "p.o.", 105.0),
    ("imipramine 20", "imipramine", 20.0, "i.p.", 100.0),
]
N_FST = 8


def _fst_bouts(rng: np.random.Generator, target: float) -> pd.DataFrame:
    """Alternating active / immobile bouts; immobility grows over the 6 min."""
    t, rows = 0.0, []
    p_final = np.clip(target / 240.0, 0.05, 0.95)
    while t < 360.0:
        frac = p_final * min(1.0, 0.35 + t / 240.0)  # less immobile early in the test
        imm_len = rng.gamma(4.0, 3.0)
        act_len = imm_len * (1 - frac) / max(frac, 1e-3) * rng.uniform(0.6, 1.4)
        active = "climbing" if rng.uniform() < 0.3 else "swimming"
        for beh, length in ((active, act_len), ("immobility", imm_len)):
            stop = min(360.0, t + max(length, 0.5))
            if stop > t:
                rows.append((beh, round(t, 1), round(stop, 1)))
            t = stop
            if t >= 360.0:
                break
    out = pd.DataFrame(rows, columns=["behavior", "start_s", "stop_s"])
    out = out[out["stop_s"] > out["start_s"]]
    # merge consecutive identical labels (after rounding)
    return out.reset_index(drop=True)


def _rater_b(rng: np.random.Generator, log: pd.DataFrame) -> pd.DataFrame:
    """A second observer: boundaries shifted by up to ±1.5 s, some swim/climb swaps."""
    b = log.copy()
    inner = b["start_s"].to_numpy()[1:]
    shift = np.round(rng.uniform(-1.5, 1.5, inner.size), 1)
    starts = np.r_[0.0, inner + shift]
    stops = np.r_[starts[1:], 360.0]
    ok = stops - starts > 0.2
    b["start_s"], b["stop_s"] = starts, stops
    b = b[ok].copy()
    b["stop_s"] = np.r_[b["start_s"].to_numpy()[1:], 360.0]
    swap = (b["behavior"] != "immobility") & (rng.uniform(size=len(b)) < 0.15)
    b.loc[swap, "behavior"] = b.loc[swap, "behavior"].map(
        {"swimming": "climbing", "climbing": "swimming"}
    )
    return b.round({"start_s": 1, "stop_s": 1})


def make_fst(rng: np.random.Generator) -> None:
    animals, logs_a, logs_b = [], [], []
    codes = {}
    letters = "ABCDE"
    perm = rng.permutation(len(FST_GROUPS))
    for gi, (name, _compound, _dose, _route, _target) in enumerate(FST_GROUPS):
        codes[f"T{letters[perm[gi]]}"] = name
    inverse = {v: k for k, v in codes.items()}
    order = rng.permutation(len(FST_GROUPS) * N_FST)  # randomised cage/animal numbering
    k = 0
    for name, _compound, _dose, _route, target in FST_GROUPS:
        for _ in range(N_FST):
            num = int(order[k]) + 1
            k += 1
            rat = f"R{num:02d}"
            animals.append(
                {
                    "animal": rat,
                    "code": inverse[name],
                    "sex": "M",
                    "strain": "Sprague-Dawley",
                    "age_weeks": 8,
                    "weight_g": round(float(rng.normal(260, 15)), 1),
                    "cage": f"C{(num - 1) // 4 + 1:02d}",
                    "supplier": "simulated",
                }
            )
            log = _fst_bouts(rng, float(rng.normal(target, 25)))
            logs_a.append(log.assign(animal=rat))
            logs_b.append(_rater_b(rng, log).assign(animal=rat))
    ani = pd.DataFrame(animals).sort_values("animal")
    ani.to_csv(OUT / "fst_animals.csv", index=False)
    for logs, fname in ((logs_a, "fst_events.csv"), (logs_b, "fst_rater_b.csv")):
        ev = pd.concat(logs, ignore_index=True)[["animal", "behavior", "start_s", "stop_s"]]
        ev = ev.sort_values(["animal", "start_s"], kind="stable")
        ev.to_csv(OUT / fname, index=False)

    groups_yaml = []
    for name, compound, dose, route, _ in FST_GROUPS:
        groups_yaml.append(
            f"  - {{name: {name}, compound: {compound}, dose: {dose}, unit: mg/kg, "
            f"route: {route}, regimen: single dose 60 min before the test, "
            f"vehicle: 0.5% methylcellulose{', control: true' if dose == 0 else ''}}}"
        )
    code_lines = [f"    {c}: {g}" for c, g in sorted(codes.items())]
    yaml_text = "\n".join(
        [
            "# Forced swim study (simulated; see fst_study.md). Analyse with:",
            "#   preclin study analyze fst_study.yaml --out results.json --figures figs/",
            "name: FST-cpdA-01",
            "title: Basimglurant-like mGluR5 NAM in the rat forced swim test (simulated)",
            "species: rat",
            "hypothesis: treatment reduces immobility (one-sided, declared before unblinding)",
            "housing: 4 per cage, 12 h light/dark, food and water ad libitum",
            "sample_size: n = 8 per group gives 80 % power for a 50-s reduction (SD 30 s, "
            "one-sided Dunnett, alpha 0.05)",
            "randomisation: animals allocated to coded treatments by a computer-generated list, "
            "blocked by cage",
            "exclusion: animals that fail to swim (floating at once) or are injured are excluded "
            "before unblinding (none here)",
            "animals: fst_animals.csv",
            "groups:",
            *groups_yaml,
            "schedule:",
            "  - {day: -1, event: '15-min pre-swim (25 °C water, 40 cm deep)'}",
            "  - {day: 0, event: 'dose 60 min before a 6-min test', test: fst}",
            "blinding:",
            "  blinded_scoring: true",
            "  codes:",
            *code_lines,
            "tests:",
            "  - kind: fst",
            "    data: fst_events.csv",
            "    format: events",
            "    dv: [immobility_s, swimming_s, climbing_s, latency_s]",
            "    # directions declared before unblinding (antidepressant-like: less immobility)",
            "    alternative: {immobility_s: less, swimming_s: greater, climbing_s: greater, "
            "latency_s: greater}",
            "    options: {window: 120-360s, test_duration: 360}",
            "",
        ]
    )
    (OUT / "fst_study.yaml").write_text(yaml_text, encoding="utf-8")

    # two animals' motion traces at 10 fps (as from video), wide layout
    fps = 10
    t = np.arange(3600) / fps
    cols = {"time_s": np.round(t, 1)}
    for rat in ("R01", "R02"):
        log = pd.concat(logs_a, ignore_index=True)
        log = log[log["animal"] == ani.loc[ani["animal"] == rat, "animal"].iloc[0]]
        still = np.zeros(t.size, dtype=bool)
        for _, r in log[log["behavior"] == "immobility"].iterrows():
            still[round(r["start_s"] * fps) : round(r["stop_s"] * fps)] = True
        motion = np.where(still, rng.gamma(2.0, 0.002, t.size), rng.gamma(4.0, 0.01, t.size))
        cols[rat] = np.round(motion, 4)
    pd.DataFrame(cols).to_csv(OUT / "fst_traces.csv", index=False)


# -- chronic mild stress ----------------------------------------------------
CMS_GROUPS = [  # name, stressed, compound, dose mg/kg/day, weekly effect profile
    ("control vehicle", False, "vehicle", 0.0, 0.0, 0),
    ("stressed vehicle", True, "vehicle", 0.0, 0.0, 0),
    ("alnespirone 1", True, "alnespirone", 1.0, 0.15, 2),
    ("alnespirone 2.5", True, "alnespirone", 2.5, 1.0, 2),
    ("alnespirone 5", True, "alnespirone", 5.0, 1.0, 2),
    ("alnespirone 10", True, "alnespirone", 10.0, 0.2, 2),
    ("imipramine 10", True, "imipramine", 10.0, 1.0, 3),
]
N_CMS = 8


def make_cms(rng: np.random.Generator) -> None:
    rows = []
    num = 0
    for name, stressed, compound, dose, efficacy, onset in CMS_GROUPS:
        for _ in range(N_CMS):
            num += 1
            animal = f"W{num:02d}"
            base_pref = rng.normal(82, 4)
            drop = rng.normal(26, 5) if stressed else 0.0
            bw0 = rng.normal(320, 18)
            for week in range(9):  # 0 baseline; 1-3 stress; 4-8 stress + treatment
                stress_part = drop * min(week, 2) / 2 if week >= 1 else 0.0
                tw = week - 3  # treatment week (1..5)
                rescue = 0.0
                if tw >= 1 and efficacy > 0:
                    rescue = efficacy * drop * min(1.0, max(0.0, (tw - onset + 2) / 2))
                pref = np.clip(base_pref - stress_part + rescue + rng.normal(0, 4), 20, 98)
                total = max(rng.normal(20, 2.5), 8)
                sucrose = total * pref / 100
                water = total - sucrose
                bw = bw0 + 6 * week - (8 if stressed and week >= 1 else 0) + rng.normal(0, 4)
                rows.append(
                    {
                        "animal": animal,
                        "group": name,
                        "stressed": stressed,
                        "compound": compound,
                        "dose_mg_kg_day": dose,
                        "week": week,
                        "sucrose_g": round(float(sucrose), 2),
                        "water_g": round(float(water), 2),
                        "body_weight_g": round(float(bw), 1),
                    }
                )
    df = pd.DataFrame(rows)
    # two missed sessions (spilled bottle, illness): rows absent
    drop_idx = df[
        ((df["animal"] == "W12") & (df["week"] == 6))
        | ((df["animal"] == "W37") & (df["week"] == 4))
    ].index
    df = df.drop(drop_idx)
    df.to_csv(OUT / "cms_sucrose.csv", index=False)


# -- learned helplessness ---------------------------------------------------
LH_GROUPS = [  # name, shocked, compound, dose, mean failure probability per trial
    ("no shock", False, "vehicle", 0.0, 0.07),
    ("shock vehicle", True, "vehicle", 0.0, 0.45),
    ("alnespirone 2.5", True, "alnespirone", 2.5, 0.25),
    ("alnespirone 5", True, "alnespirone", 5.0, 0.22),
    ("imipramine 16", True, "imipramine", 16.0, 0.24),
]
N_LH, N_TRIALS, CUTOFF = 8, 30, 10.0


def make_lh(rng: np.random.Generator) -> None:
    rows = []
    num = 0
    for name, shocked, _compound, dose, p_fail in LH_GROUPS:
        for _ in range(N_LH):
            num += 1
            animal = f"L{num:02d}"
            logit = np.log(p_fail / (1 - p_fail)) + rng.normal(0, 0.5)
            itc_rate = rng.gamma(4, 0.12 if shocked else 0.2)
            for session in (1, 2, 3):
                p = 1 / (1 + np.exp(-(logit - 0.15 * (session - 1))))
                fail = rng.uniform(size=N_TRIALS) < p
                lat = np.where(fail, np.nan, np.round(rng.gamma(2.5, 1.1, N_TRIALS), 2))
                lat = np.where(~fail & (lat >= CUTOFF), CUTOFF - 0.1, lat)
                itc = rng.poisson(itc_rate, N_TRIALS)
                for trial in range(N_TRIALS):
                    rows.append(
                        {
                            "animal": animal,
                            "group": name,
                            "dose_mg_kg": dose,
                            "session": session,
                            "trial": trial + 1,
                            "latency_s": lat[trial],
                            "itc": int(itc[trial]),
                        }
                    )
    pd.DataFrame(rows).to_csv(OUT / "lh_trials.csv", index=False)


# -- elevated plus maze -----------------------------------------------------
EPM_GROUPS = [  # name, compound, dose mg/kg, open-arm preference
    ("vehicle", "vehicle", 0.0, 0.18),
    ("buspirone 1", "buspirone", 1.0, 0.24),
    ("buspirone 3", "buspirone", 3.0, 0.30),
    ("diazepam 2", "diazepam", 2.0, 0.45),
]
N_EPM, EPM_FPS, EPM_SECONDS = 6, 1, 300
ARM_LEN, ARM_W = 50.0, 10.0
EPM_ZONES = {  # cm, centre of the maze at (0, 0)
    "open_n": [-5, 5, 5, 55],
    "open_s": [-5, -55, 5, -5],
    "closed_e": [5, -5, 55, 5],
    "closed_w": [-55, -5, -5, 5],
    "centre": [-5, -5, 5, 5],
}


def make_epm(rng: np.random.Generator) -> None:
    rows = []
    num = 0
    n_frames = EPM_FPS * EPM_SECONDS
    arms = ["open_n", "open_s", "closed_e", "closed_w"]
    for name, _compound, _dose, p_open in EPM_GROUPS:
        for _ in range(N_EPM):
            num += 1
            animal = f"E{num:02d}"
            frame, zone = 0, "centre"
            p = np.clip(p_open + rng.normal(0, 0.06), 0.02, 0.9)
            while frame < n_frames:
                dwell = int(rng.gamma(2.0, 4.0 if zone == "centre" else 12.0) * EPM_FPS) + 1
                x0, y0, x1, y1 = EPM_ZONES[zone]
                xs = rng.uniform(x0 + 0.5, x1 - 0.5, dwell)
                ys = rng.uniform(y0 + 0.5, y1 - 0.5, dwell)
                for i in range(min(dwell, n_frames - frame)):
                    rows.append(
                        {
                            "animal": animal,
                            "group": name,
                            "time_s": (frame + i) / EPM_FPS,
                            "x": round(float(xs[i]), 1),
                            "y": round(float(ys[i]), 1),
                        }
                    )
                frame += dwell
                if zone == "centre":
                    zone = (
                        arms[int(rng.integers(0, 2))]
                        if rng.uniform() < p
                        else arms[int(rng.integers(2, 4))]
                    )
                else:
                    zone = "centre"
    pd.DataFrame(rows).to_csv(OUT / "epm_tracking.csv", index=False)
    lines = ["# Elevated plus maze zones (cm; rectangles [x0, y0, x1, y1]) for epm_tracking.csv"]
    lines += [f"{k}: {v}" for k, v in EPM_ZONES.items()]
    (OUT / "epm_zones.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _study_yaml(
    stem: str,
    name: str,
    title: str,
    groups: list[dict[str, object]],
    readout: list[str],
    animals: pd.DataFrame,
) -> None:
    """Write ``<stem>_animals.csv`` and ``<stem>_study.yaml`` for a data file."""
    animals.to_csv(OUT / f"{stem}_animals.csv", index=False)
    lines = [
        f"# {title} (simulated; see {stem}_study.md)",
        f"name: {name}",
        f"title: {title}",
        "species: rat",
        f"animals: {stem}_animals.csv",
        "groups:",
    ]
    for g in groups:
        items = ", ".join(f"{k}: {v}" for k, v in g.items())
        lines.append(f"  - {{{items}}}")
    lines += ["tests:", *readout, ""]
    (OUT / f"{stem}_study.yaml").write_text("\n".join(lines), encoding="utf-8")


def make_studies() -> None:
    cms = pd.read_csv(OUT / "cms_sucrose.csv")
    ani = cms.groupby("animal", sort=True)[["group"]].first().reset_index()
    ani.insert(1, "sex", "M")
    ani.insert(2, "strain", "Wistar")
    groups = [
        {
            "name": f"'{n}'",
            "compound": c,
            "dose": d,
            "unit": "mg/kg/day",
            "route": "s.c. osmotic minipump" if c == "alnespirone" else "i.p. daily",
            "stressed": str(st).lower(),
            **({"control": "true"} if n == "stressed vehicle" else {}),
        }
        for n, st, c, d, _e, _o in CMS_GROUPS
    ]
    _study_yaml(
        "cms",
        "CMS-alnespirone-01",
        "Alnespirone-like 5-HT1A agonist vs imipramine in chronic mild stress",
        groups,
        [
            "  - kind: cms",
            "    data: cms_sucrose.csv",
            "    dv: preference_pct",
            "    alternative: greater",
            "    options: {baseline_week: 0, stress_week: 3, treatment_weeks: [4, 5, 6, 7, 8], "
            "cutoff: 65, body_weight: body_weight_g, capacity: 100}",
        ],
        ani,
    )
    lh = pd.read_csv(OUT / "lh_trials.csv")
    ani = lh.groupby("animal", sort=True)[["group"]].first().reset_index()
    ani.insert(1, "sex", "M")
    groups = [
        {
            "name": f"'{n}'",
            "compound": c,
            "dose": d,
            "unit": "mg/kg",
            "route": "i.p.",
            **({"control": "true"} if n == "shock vehicle" else {}),
        }
        for n, _sh, c, d, _p in LH_GROUPS
    ]
    _study_yaml(
        "lh",
        "LH-alnespirone-01",
        "Alnespirone-like 5-HT1A agonist vs imipramine in learned helplessness",
        groups,
        [
            "  - kind: lh",
            "    data: lh_trials.csv",
            "    dv: [failures_total, failures_s1, itc_total]",
            "    alternative: {failures_total: less, failures_s1: less}",
            "    options: {cutoff_s: 10, criterion: 10}",
        ],
        ani,
    )
    epm = pd.read_csv(OUT / "epm_tracking.csv")
    ani = epm.groupby("animal", sort=True)[["group"]].first().reset_index()
    ani.insert(1, "sex", "M")
    groups = [
        {
            "name": f"'{n}'",
            "compound": c,
            "dose": d,
            "unit": "mg/kg",
            "route": "i.p.",
            **({"control": "true"} if n == "vehicle" else {}),
        }
        for n, c, d, _p in EPM_GROUPS
    ]
    _study_yaml(
        "epm",
        "EPM-azapirone-01",
        "Buspirone-like azapirone vs diazepam in the elevated plus maze",
        groups,
        [
            "  - kind: epm",
            "    data: epm_tracking.csv",
            "    dv: [open_time_pct, open_entries_pct, total_entries]",
            "    alternative: {open_time_pct: greater, open_entries_pct: greater}",
            "    options: {fps: 1, zones: epm_zones.yaml}",
        ],
        ani,
    )


def main() -> None:
    rng = np.random.default_rng(SEED)
    make_fst(rng)
    make_cms(rng)
    make_lh(rng)
    make_epm(rng)
    make_studies()
    for f in sorted(OUT.glob("*")):
        if f.name.startswith(
            (
                "fst_events",
                "fst_rater",
                "fst_animals",
                "fst_study",
                "fst_traces",
                "cms_",
                "lh_",
                "epm_",
            )
        ):
            print(f"{f.name:24s} {f.stat().st_size / 1024:8.1f} kB")


if __name__ == "__main__":
    main()
