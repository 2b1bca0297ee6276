#!/usr/bin/env bash
# `make demo`: the main job on the bundled example data, through the real CLI.
# Everything it writes goes to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
P=.venv/bin/preclin
ex() { "$P" datasets path "$1"; }
mkdir -p out
export PRECLIN_DB="$PWD/out/knowledge.duckdb"
rm -f "$PRECLIN_DB"

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

section "1. Concentration-response: 20 curves (2 plates x 10 mGluR5 NAMs), LL.4, flags"
$P fit "$(ex concentration_response)" --x conc_uM --x-unit uM --y response \
    --curve plate --curve compound --model ll4 --out out/fits.csv

section "2. FLIPR antagonist plate: basimglurant and mGluR5 NAMs vs glutamate 3 uM (384 wells)"
$P plate analyze "$(ex flipr_basimglurant_traces)" --layout "$(ex flipr_basimglurant_layout)" \
    --mode antagonist --agonist-conc 3uM --agonist-ec50 0.9uM \
    --out out/plate_curves.csv --plate-qc out/plate_qc.csv
$P receptor cheng-prusoff --ic50 12nM --agonist-conc 3uM --agonist-ec50 0.9uM

section "3. Group statistics: forced swim, vehicle vs 3 doses vs imipramine (Dunnett)"
$P stats "$(ex fst_groups)" --dv immobility_s --between group --control vehicle \
    --out out/fst_stats.json
$P power --test t2 --effect 40 --sd 30 --power 0.8

section "4. Behaviour: a blinded forced-swim study, unblinded, scored and analysed"
$P study analyze "$(ex fst_study)" --out out/fst_results.json --figures out/fst_figures
$P fst agreement "$(ex fst_events)" "$(ex fst_rater_b)"
# chronic mild stress, alnespirone-like: only the middle doses work (an inverted U)
$P study analyze "$(ex cms_study)" --figures out/cms_figures --arrive out/arrive_cms.csv \
    --out out/cms_results.json

section "5. PK: basimglurant in rat (NCA), then occupancy over a b.i.d. regimen"
$P nca "$(ex basimglurant_rat_pk)" --subject animal --time time_h --conc conc_ng_ml \
    --dose dose_mg_kg --route oral --lloq 10 --out out/nca.csv
# t1/2 7 h (ke 0.099/h), F 0.5, 98.5 % bound, Kd 1.1 nM, MW 325.77; ka and V assumed
$P pk occupancy --model 1cpt-oral -p ka=1.2/h -p ke=0.099/h -p V=1.5L/kg -p F=0.5 \
    --dose 10mg/kg --tau 12h --ppb 98.5 --kd 1.1nM --mw 325.77
$P pk hed --dose 10mg/kg --species rat

section "6. Knowledge base: affinities at 5-HT1A, and the consistency checks"
$P kb init
$P kb affinities --target HTR1A
$P kb check --rule claim_contradicted --rule control_missing || true  # exit 1 = error-level findings

section "7. Translation: the basimglurant bridge, and what a Phase II trial can detect"
$P translate basimglurant --study "$(ex fst_study)" --out out/bridge.html
$P trial simulate --arms 2 --n 150 --effect-smd 0.3 --placebo-sd 8 --dropout 0.2 \
    --n-sim 100000 --seed 1 --out out/power.json
$P trial size --effect-smd 0.3 --power 0.8

section "8. Comparative guides (HTML, every number traceable)"
for g in alnespirone azapirones basimglurant; do
  $P guide build "$g" --out "out/$g.html"
done
