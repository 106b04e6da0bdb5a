#!/usr/bin/env bash
# Benchmarks ncelab beside a PyTorch script of the reference loops (not part of this repository: NCELAB_TORCH_REFERENCE,
# by default ../shared/bench/torch_reference.py if present), in the same time window, and writes a markdown report
# to results/benchmarks/. Usage:
#   scripts/benchmark.sh speed     # ms per step: NCE (batch 1000) and FCE-MAF / FCE-Glow, 1 and 2 threads
#   scripts/benchmark.sh rss       # launch-to-first-step, and RSS over 20,000 NCE steps
#   scripts/benchmark.sh rss-fce   # RSS at 5k and 50k steps of FCE-MAF (about 10 minutes)
#   scripts/benchmark.sh sweep     # a 4-point sweep with 1 and with 2 workers: wall-clock ratio
#   scripts/benchmark.sh glow-gap  # Glow EBM steps by batch size beside PyTorch: overhead or kernels?
# Installs Debian's python3-torch and libopenblas0-pthread for the reference when they are missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-speed}"
ref="${NCELAB_TORCH_REFERENCE:-../shared/bench/torch_reference.py}"
report="results/benchmarks/$(date +%Y%m%d-%H%M%S)-$what.md"
mkdir -p results/benchmarks
./ncelab --version >/dev/null   # builds on first use, outside the timings
# run the whole script on a snapshot of this build, whatever is rebuilt meanwhile
snapshot="$(mktemp -d)"; cp -r runners/target/ncelab.jar runners/target/lib "$snapshot/"
export NCELAB_TARGET="$snapshot" NCELAB_NO_BUILD=1

have_torch() { /usr/bin/python3 -c 'import torch' 2>/dev/null; }
if { [ "$what" = speed ] || [ "$what" = glow-gap ]; } && ! have_torch; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing python3-torch for the PyTorch reference..." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-pthread >&2
  else
    echo "the PyTorch reference needs: sudo apt-get install python3-torch libopenblas0-pthread" >&2
  fi
fi

field() { /usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); v=d.get('$1','-'); print(round(v, 3) if isinstance(v, float) else v)"; }
bench() { ./ncelab bench "$@" 2>/dev/null | tail -1; }
# OpenBLAS picks its kernels from the CPU model; a virtual machine that hides the model gets the generic
# "Prescott" kernels (measured here: PyTorch's NCE step 3x slower). Name the core the CPU's flags support, for the
# PyTorch runs only, unless the caller set OPENBLAS_CORETYPE; the report records which core ran.
if [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  if grep -q avx512f /proc/cpuinfo; then blas_core=SkylakeX; elif grep -q avx2 /proc/cpuinfo; then blas_core=Haswell; fi
fi
blas_core="${OPENBLAS_CORETYPE:-${blas_core:-}}"
torch() { OPENBLAS_CORETYPE="$blas_core" GOMP_SPINCOUNT=1000 /usr/bin/python3 "$ref" "$@" 2>/dev/null | tail -1; }
ratio() { /usr/bin/python3 -c "a,b='$1','$2'; print('%.2f' % (float(a)/float(b)) if a not in ('-','') and b not in ('-','') else '-')"; }

{
echo "# ncelab benchmark: $what"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem/{print $2}') GiB; $(java -version 2>&1 | head -1); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "PyTorch's OpenBLAS core: $(OPENBLAS_CORETYPE="$blas_core" OPENBLAS_VERBOSE=2 /usr/bin/python3 -c 'import torch; a = torch.ones(8, 8); a @ a' 2>&1 | sed -n 's/^Core: //p' | head -1)"
echo "Command: \`scripts/benchmark.sh $what\` (commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
echo
} > "$report"

case "$what" in
speed)
  {
  echo "Median ms per training step (p10-p90), batch 1000; ncelab and PyTorch measured alternately in one window."
  echo "An FCE step costs about twice as much when the flow learns (backward through the sampling pass) as when"
  echo "the EBM learns, and the two programs' alternations differ, so a median over all steps compares mixes, not"
  echo "speed: FCE rows compare the median EBM step and the median flow step, and the mean step at PyTorch's mix."
  echo
  echo "| loop | threads | ncelab ms | ncelab p10-p90 | PyTorch ms | PyTorch p10-p90 | ratio ncelab/PyTorch |"
  echo "|---|---|---|---|---|---|---|"
  } >> "$report"
  fce_rows=()
  for th in 1 2; do
    j=$(bench experiments/nce-8gaussians.yaml training.batch=1000 dataset.samples=100000 training.max_steps=1500 \
        training.threads=$th logging.every=1000 logging.eval_every=100000 logging.plots=false)
    t=$(torch --mode nce --batch 1000 --steps 1500 --threads $th)
    echo "| NCE | $th | $(echo "$j" | field ms_median) | $(echo "$j" | field ms_p10)-$(echo "$j" | field ms_p90) | $(echo "$t" | field ms_per_step_median) | $(echo "$t" | field ms_per_step_p10)-$(echo "$t" | field ms_per_step_p90) | $(ratio "$(echo "$j" | field ms_median)" "$(echo "$t" | field ms_per_step_median)") |" >> "$report"
    for flow in maf glow; do
      j=$(bench experiments/fce-$flow-8gaussians-reference.yaml training.max_steps=1000 training.threads=$th \
          dataset.samples=100000 logging.every=1000 logging.eval_every=100000 logging.plots=false)
      t=$(torch --mode fce --flow $flow --steps 1000 --threads $th)
      fce_rows+=("$(/usr/bin/python3 - "FCE-${flow^^}" "$th" "$(echo "$j" | tail -1)" "$(echo "$t" | tail -1)" <<'PY'
import json, sys
name, th, j, t = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
e_n, n_n, e_t, n_t, f = (j["energy_ms_median"], j["noise_ms_median"], t["ms_ebm_step_median"],
                         t["ms_flow_step_median"], t["ebm_step_fraction"])
mix_n, mix_t = f * e_n + (1 - f) * n_n, f * e_t + (1 - f) * n_t
print("| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |" % (
    name, th, e_n, e_t, e_n / e_t, n_n, n_t, n_n / n_t, mix_n, mix_t, mix_n / mix_t))
PY
)")
      echo "  FCE-$flow $th threads: ncelab $j" >&2
      echo "  FCE-$flow $th threads: torch $t" >&2
    done
  done
  {
  echo
  echo "| loop | threads | ncelab EBM step | PyTorch EBM step | ratio | ncelab flow step | PyTorch flow step | ratio | ncelab at PyTorch's mix | PyTorch mean | ratio |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${fce_rows[@]}"
  } >> "$report"
  ;;
rss)
  start=$(date +%s.%N)
  j=$(bench experiments/nce-8gaussians.yaml training.batch=1000 dataset.samples=100000 training.epochs=1000 training.max_steps=20000 \
      logging.every=1000 logging.eval_every=2000 logging.plots=false --rss-every 1000)
  {
  echo "NCE, batch 1000, 20,000 steps (evaluation every 2,000 steps). Launch to first step (JVM start to the end"
  echo "of step 1, with the build already done): $(echo "$j" | field first_step_s) s."
  echo
  echo "RSS in MB every 1,000 steps: $(echo "$j" | field rss_mb)"
  echo
  echo "Peak RSS $(echo "$j" | field peak_rss_mb) MB; median step $(echo "$j" | field ms_median) ms."
  } >> "$report"
  ;;
rss-fce)
  out="$(mktemp -d)"
  j=$(bench experiments/fce-maf-8gaussians-reference.yaml training.max_steps=50000 logging.every=1000 logging.eval_every=5000 \
      logging.plots=false --rss-every 5000 output="$out")
  {
  echo "FCE-MAF on 8gaussians, 50,000 steps (the full reference run), evaluation every 5,000 steps."
  echo
  echo "RSS in MB every 5,000 steps: $(echo "$j" | field rss_mb)"
  echo
  echo "Median step $(echo "$j" | field ms_median) ms; final mse_logp $(echo "$j" | field mse_logp)."
  echo
  echo "The run's held-out evaluations (metrics.csv), to see whether the alternation holds over the full run:"
  echo
  /usr/bin/python3 - "$(ls "$out"/*/*/metrics.csv)" <<'PY'
import csv, sys
cols = ["step", "trained", "accuracy", "energy_fraction", "mse_logp", "test_loglik", "flow_test_loglik"]
print("| " + " | ".join(cols) + " |")
print("|" + "---|" * len(cols))
for r in csv.DictReader(open(sys.argv[1])):
    if r["mse_logp"]:
        print("| " + " | ".join(r[c] for c in cols) + " |")
PY
  } >> "$report"
  ;;
sweep)
  t() { local s e; s=$(date +%s.%N); ./ncelab sweep experiments/sweep-nce-seeds.yaml --workers "$1" \
        --output "$(mktemp -d)/sweep" > /dev/null 2>&1; e=$(date +%s.%N); awk "BEGIN{printf \"%.1f\", $e - $s}"; }
  one=$(t 1); two=$(t 2)
  {
  echo "\`experiments/sweep-nce-seeds.yaml\` (4 points, NCE 3,000 steps each, one JVM per point), wall-clock seconds:"
  echo
  echo "| workers | seconds |"
  echo "|---|---|"
  echo "| 1 | $one |"
  echo "| 2 | $two |"
  echo
  echo "Ratio two/one: $(awk "BEGIN{printf \"%.2f\", $two / $one}")"
  } >> "$report"
  j="(no JSON for this mode)"
  ;;
glow-gap)
  {
  echo "FCE-Glow on 8gaussians with only the EBM learning (threshold 1.0), 600 steps, 1 thread: median ms per"
  echo "step by batch size. Per-call overhead shows at small batches, kernel time at large ones."
  echo
  echo "| batch | ncelab ms | PyTorch ms | ratio ncelab/PyTorch |"
  echo "|---|---|---|---|"
  } >> "$report"
  for b in 10 100 1000; do
    j=$(bench experiments/fce-glow-8gaussians-reference.yaml schedule.threshold=1.0 training.batch=$b training.max_steps=600 \
        dataset.samples=100000 logging.every=1000 logging.eval_every=100000 logging.plots=false)
    t=$(torch --mode fce --flow glow --threshold 1.0 --batch $b --steps 600 --samples 100000 --threads 1)
    e=$(echo "$j" | field energy_ms_median); p=$(echo "$t" | field ms_ebm_step_median)
    echo "| $b | $e | $p | $(ratio "$e" "$p") |" >> "$report"
  done
  ;;
*) echo "usage: scripts/benchmark.sh speed|rss|rss-fce|sweep|glow-gap" >&2; exit 2 ;;
esac
{ echo; echo "Raw JSON of the last ncelab line:"; echo; echo '```'; echo "$j"; echo '```'; } >> "$report"
cat "$report"
echo "written: $report" >&2
