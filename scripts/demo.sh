#!/usr/bin/env bash
# `make demo`: the main job on the bundled example data, through the real CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
P=.venv/bin/preclin
mkdir -p out

echo "== 1. Concentration-response: fit every curve of the bundled plate example"
CR=$($P datasets path concentration_response)
$P fit "$CR" --x conc_uM --x-unit uM --y response --curve plate --curve compound \
    --model ll4 --out out/fits.csv
