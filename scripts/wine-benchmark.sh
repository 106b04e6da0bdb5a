#!/usr/bin/env bash
# The wine table in 12-D (issue 13): held-out log-likelihood of NCE, FCE-MAF, the MAF trained alone by maximum
# likelihood and a full-covariance Gaussian, on the same held-out rows (log Z of the EBMs by importance sampling,
# `ncelab score --heldout`), and imputation of quality and alcohol against mean imputation and linear regression
# (`ncelab impute --evaluate`). Writes results/benchmarks/<timestamp>-wine.md. Usage:
#   scripts/wine-benchmark.sh [SCALE]    # SCALE (default 1) multiplies the experiments' epochs: 0.2 for a smoke run
#   WINE_CSV=/data/winequality-red.csv scripts/wine-benchmark.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${1:-1}"
wine="${WINE_CSV:-../shared/datasets/winequality-red.csv}"
[ -f "$wine" ] || { echo "error: no wine file at $wine (set WINE_CSV)" >&2; exit 2; }
stamp="$(date +%Y%m%d-%H%M%S)"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!results' || echo '+changes')"
out="results/wine/$stamp"
report="results/benchmarks/$stamp-wine.md"
mkdir -p "$out" results/benchmarks
. scripts/lib/snapshot.sh; snapshot_build   # the build, once, outside any timing; the script runs on a copy of it
epochs() { awk -v e="$1" -v s="$scale" 'BEGIN { n = int(e * s + 0.5); print (n < 1 ? 1 : n) }'; }
common="dataset.path=$wine logging.plots=false output=$out"
train() { # name, file, overrides...
  local name="$1" file="$2"; shift 2
  local t0=$SECONDS
  ./ncelab run "$file" name="$name" $common "$@" --quiet > "$out/$name.log" 2>&1 || true
  local dir; dir="$(sed -n 's/^run directory: //p' "$out/$name.log" | tail -1)"
  echo "$dir $((SECONDS - t0))"
}
read -r nce nce_s < <(train nce-wine experiments/nce-wine.yaml training.epochs="$(epochs 300)")
read -r fce fce_s < <(train fce-maf-wine experiments/fce-maf-wine.yaml training.epochs="$(epochs 200)")
read -r mle mle_s < <(train mle-maf-wine experiments/fce-maf-wine.yaml 'objective={type: mle}' 'schedule={type: nce}' training.epochs="$(epochs 200)")
score() { ./ncelab score "$1" --heldout --output "$out/$2-heldout.json" > "$out/$2-score.txt" 2>&1 || true; }
score "$nce" nce; score "$fce" fce; score "$mle" mle
j() { jq -r "$2 // \"–\" | if type == \"number\" then (. * 1000 | round / 1000) else . end" "$out/$1-heldout.json" 2>/dev/null || echo "–"; }
impute() { ./ncelab impute "$1" --evaluate "$2" --method "${3:-conditional}" --output "$out/$4.csv" > "$out/$4.txt" 2>&1 || true; }
impute "$nce" quality conditional nce-quality; impute "$nce" alcohol conditional nce-alcohol
impute "$fce" quality conditional fce-quality; impute "$fce" alcohol conditional fce-alcohol
impute "$nce" quality descent nce-quality-descent; impute "$nce" alcohol descent nce-alcohol-descent
steps() { jq -r '.steps' "$1/summary.json" 2>/dev/null || echo "–"; }
# the best value of a metrics.csv column during training, with its step (an early-stopping figure: optimistic,
# since it picks the step on the held-out rows themselves; the EBM's uses 4,000 draws per evaluation)
best() { awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
  c && $c != "" && (b == "" || $c + 0 > b + 0) { b = $c; s = $1 }
  END { if (b == "") print "–"; else printf "%.3f (step %d)", b, s }' "$1/metrics.csv" 2>/dev/null || echo "–"; }
{
  echo "# Wine (UCI red, 12-D): held-out log-likelihood and imputation ($stamp)"
  echo
  echo "Command: \`scripts/wine-benchmark.sh $scale\` (SCALE multiplies the experiments' epochs; commit $commit)."
  echo "Same held-out rows for every model (20%, duplicates kept on one side, seed 42); quality and the two sulfur"
  echo "dioxide counts dequantised. Log-likelihoods are nats per row in model space (z-scored columns); add"
  echo "$(jq -r '-.log_scale * 1000 | round / 1000' "$out/nce-heldout.json" 2>/dev/null) (minus the sum of the log standard deviations) for file units. EBM log Z by importance sampling"
  echo "(\`ncelab score --heldout\`, 50,000 draws; ESS beside it)."
  echo
  echo "| model | steps | seconds | held-out log-lik at the end | log Z (SE, ESS) | best during training |"
  echo "|---|---|---|---|---|---|"
  echo "| NCE vs N(0, I), nu 4 | $(steps "$nce") | $nce_s | $(j nce .ebm_test_loglik) | $(j nce .log_z) ($(j nce .log_z_se), $(j nce ".ess | round")) | $(best "$nce" test_loglik) |"
  echo "| FCE-MAF (EBM) | $(steps "$fce") | $fce_s | $(j fce .ebm_test_loglik) | $(j fce .log_z) ($(j fce .log_z_se), $(j fce ".ess | round")) | $(best "$fce" test_loglik) |"
  echo "| FCE-MAF (its flow) | | | $(j fce .flow_test_loglik) | exact | $(best "$fce" flow_test_loglik) |"
  echo "| MAF by MLE | $(steps "$mle") | $mle_s | $(j mle .flow_test_loglik) | exact | $(best "$mle" flow_test_loglik) |"
  echo "| full-covariance Gaussian | – | – | $(j nce .gaussian_test_loglik) | exact | – |"
  echo
  echo "## Imputation on the held-out rows (file units)"
  for f in nce-quality fce-quality nce-quality-descent nce-alcohol fce-alcohol nce-alcohol-descent; do
    echo; echo "\`$f\`:"; echo '```'; grep -v -e '^per-row' -e WARN -e '^\[W' "$out/$f.txt" || true; echo '```'
  done
  echo
  echo "Run directories: $nce, $fce, $mle."
} > "$report"
cat "$report"
echo "report: $report"
