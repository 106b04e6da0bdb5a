#!/usr/bin/env bash
# Benchmarks ncelab beside a PyTorch script of the reference loops (not part of this repository: NCELAB_TORCH_REFERENCE,
# by default ../shared/bench/torch_reference.py if present), in the same time window, and writes a markdown report
# to results/benchmarks/. Usage:
#   scripts/benchmark.sh speed     # ms per step: NCE (batch 1000) and FCE-MAF / FCE-Glow, 1 and 2 threads
#                                  # (BENCH_ROUNDS=3 alternating rounds; about 4 minutes a round)
#   scripts/benchmark.sh rss       # launch-to-first-step (by phase), and RSS over 20,000 NCE steps
#   scripts/benchmark.sh startup   # launch to first step by phase, 7 launches, with each start-up lever off in turn
#   scripts/benchmark.sh rss-fce   # RSS at 5k and 50k steps of FCE-MAF (about 10 minutes)
#   scripts/benchmark.sh sweep     # the 15-point threshold sweep with 1 and 2 workers: ratio, per-point overhead
#   scripts/benchmark.sh glow-gap  # Glow EBM steps by batch size beside PyTorch: overhead or kernels?
# Installs Debian's python3-torch and libopenblas0-pthread for the reference when they are missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-speed}"
ref="${NCELAB_TORCH_REFERENCE:-../shared/bench/torch_reference.py}"
report="results/benchmarks/$(date +%Y%m%d-%H%M%S)-$what.md"
mkdir -p results/benchmarks
. scripts/lib/snapshot.sh; snapshot_build   # the build, once, outside any timing; the script runs on a copy of it

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
  rounds="${BENCH_ROUNDS:-3}"
  raw="$(mktemp -d)"
  for th in 1 2; do
    for r in $(seq "$rounds"); do
      bench experiments/nce-8gaussians.yaml training.batch=1000 dataset.samples=100000 training.max_steps=1500 \
        training.threads=$th logging.every=1000 logging.eval_every=100000 logging.plots=false >> "$raw/nce-$th.ncelab"
      torch --mode nce --batch 1000 --steps 1500 --threads $th >> "$raw/nce-$th.torch"
      for flow in maf glow; do
        bench experiments/fce-$flow-8gaussians-reference.yaml training.max_steps=1000 training.threads=$th \
          dataset.samples=100000 logging.every=1000 logging.eval_every=100000 logging.plots=false >> "$raw/$flow-$th.ncelab"
        torch --mode fce --flow $flow --steps 1000 --threads $th >> "$raw/$flow-$th.torch"
      done
      echo "  speed: $th thread(s), round $r of $rounds done" >&2
    done
  done
  /usr/bin/python3 - "$raw" "$rounds" >> "$report" <<'PY'
import json, statistics, sys
raw, rounds = sys.argv[1], sys.argv[2]
def load(name):
    return [json.loads(l) for l in open(f"{raw}/{name}") if l.strip().startswith("{")]
med = lambda xs: statistics.median(xs)
print(f"Median ms per training step, batch 1000, 1 and 2 threads; ncelab and PyTorch alternate, {rounds} rounds, each")
print("figure the median over rounds of each run's median step. An FCE step costs about twice as much when the flow")
print("learns (backward through the sampling pass) as when the EBM learns, and the two programs' alternations differ,")
print("so FCE rows compare the EBM step and the flow step apart, and the mean step at PyTorch's EBM/flow mix. ncelab")
print("runs the reference set-up (`*-reference.yaml`), as the PyTorch script does. CPU ms: the training thread's.")
print()
print("| loop | threads | ncelab ms | ncelab CPU ms | PyTorch ms | ratio ncelab/PyTorch | per-round ratios |")
print("|---|---|---|---|---|---|---|")
for th in (1, 2):
    j, t = load(f"nce-{th}.ncelab"), load(f"nce-{th}.torch")
    rs = [a["ms_median"] / b["ms_per_step_median"] for a, b in zip(j, t)]
    print(f"| NCE | {th} | {med([a['ms_median'] for a in j]):.2f} | {med([a['cpu_ms_median'] for a in j]):.2f} | "
          f"{med([b['ms_per_step_median'] for b in t]):.2f} | **{med(rs):.2f}** | {' '.join('%.2f' % r for r in rs)} |")
print()
print("| loop | threads | ncelab EBM step | PyTorch EBM step | ratio | ncelab flow step | PyTorch flow step | ratio | "
      "ncelab at PyTorch's mix | PyTorch mean | ratio |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for th in (1, 2):
    for flow in ("maf", "glow"):
        j, t = load(f"{flow}-{th}.ncelab"), load(f"{flow}-{th}.torch")
        e_n, n_n = med([a["energy_ms_median"] for a in j]), med([a["noise_ms_median"] for a in j])
        e_t, n_t = med([b["ms_ebm_step_median"] for b in t]), med([b["ms_flow_step_median"] for b in t])
        f = med([b["ebm_step_fraction"] for b in t])
        mix_n, mix_t = f * e_n + (1 - f) * n_n, f * e_t + (1 - f) * n_t
        print(f"| FCE-{flow.upper()} | {th} | {e_n:.2f} | {e_t:.2f} | **{e_n / e_t:.2f}** | {n_n:.2f} | {n_t:.2f} | "
              f"**{n_n / n_t:.2f}** | {mix_n:.2f} | {mix_t:.2f} | **{mix_n / mix_t:.2f}** |")
PY
  j="$(tail -1 "$raw/glow-2.ncelab")"
  ;;
rss)
  ./ncelab --version >/dev/null   # the snapshot's class-data archive, made once, outside the timings
  j=$(bench experiments/nce-8gaussians.yaml training.batch=1000 dataset.samples=100000 training.epochs=1000 training.max_steps=20000 \
      logging.every=1000 logging.eval_every=2000 logging.plots=false --rss-every 1000)
  {
  echo "NCE, batch 1000, 20,000 steps (evaluation every 2,000 steps). Launch to first step (the launcher's start to"
  echo "the end of step 1, with the build already done), by phase in seconds: $(echo "$j" | field startup)."
  echo
  echo "RSS in MB every 1,000 steps: $(echo "$j" | field rss_mb)"
  echo
  echo "Peak RSS $(echo "$j" | field peak_rss_mb) MB; median step $(echo "$j" | field ms_median) ms."
  } >> "$report"
  ;;
startup)
  ./ncelab --version >/dev/null   # the snapshot's class-data archive, made once, outside the timings
  runs="${NCELAB_STARTUP_RUNS:-7}"
  args=(experiments/nce-8gaussians.yaml training.max_steps=300 logging.plots=false)
  lines="$(mktemp)"
  for i in $(seq 1 "$runs"); do   # the variants alternate, so drift on a shared machine hits them alike
    for v in all no-cds no-preload guice-default; do
      case $v in
        all) j=$(bench "${args[@]}") ;;
        no-cds) j=$(NCELAB_CDS=0 bench "${args[@]}") ;;
        no-preload) j=$(NCELAB_JAVA_OPTS="-Xmx4g -Dncelab.engine.preload=false" bench "${args[@]}") ;;
        guice-default) j=$(NCELAB_JAVA_OPTS="-Xmx4g -Dguice_bytecode_gen_option=ENABLED -Dguice_include_stack_traces=ONLY_FOR_DECLARING_SOURCE" bench "${args[@]}") ;;
      esac
      echo "{\"variant\": \"$v\", \"load\": $(cut -d' ' -f1 /proc/loadavg), \"bench\": $j}" >> "$lines"
    done
  done
  {
  echo "\`./ncelab bench ${args[*]}\`, $runs launches of each variant, alternating. Seconds per phase, median over"
  echo "the launches: launcher (the ncelab script up to the JVM's start), jvm (JVM start to main), plugins (command"
  echo "line and the Guice registry), config (YAML bound), engine (waiting for DJL's PyTorch engine, which loads in"
  echo "the background from main on), data, experiment (models), setup (run directory, loggers), first_step; total"
  echo "is launch to the end of the first step. Variants: all levers; without the class-data archive (NCELAB_CDS=0);"
  echo "with the engine loaded on the main thread (-Dncelab.engine.preload=false); with Guice's default class"
  echo "generation and binding stack traces. The load column is the machine's 1-minute load average (2 cores, shared)."
  echo
  /usr/bin/python3 - "$lines" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
variants = list(dict.fromkeys(r["variant"] for r in rows))
keys = list(rows[0]["bench"]["startup"].keys())
print("| variant | " + " | ".join(k[:-2] for k in keys) + " | load |")
print("|---|" + "---|" * (len(keys) + 1))
for v in variants:
    rs = [r for r in rows if r["variant"] == v]
    med = [statistics.median(r["bench"]["startup"].get(k, 0) for r in rs) for k in keys]
    print("| %s | %s | %.1f |" % (v, " | ".join("%.3f" % m for m in med), statistics.median(r["load"] for r in rs)))
tot = sorted(r["bench"]["startup"]["total_s"] for r in rows if r["variant"] == "all")
print()
print("All levers, launch to first step: median %.3f s, min %.3f, max %.3f over %d launches." % (
    statistics.median(tot), tot[0], tot[-1], len(tot)))
PY
  } >> "$report"
  j=$(tail -1 "$lines")
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
  ./ncelab --version >/dev/null   # the snapshot's class-data archive, made once, outside the timings
  file=experiments/sweep-fce-threshold.yaml
  # one sweep (extra options after the worker count): one JSON line with the wall-clock from the launch to the
  # exit and, from its jobs.csv, the points' summed step_seconds (the training steps alone, from summary.json)
  t() {
    local out s e w="$1"; shift; out="$(mktemp -d)/sweep"; s=$(date +%s.%N)
    ./ncelab sweep "$file" --workers "$w" --output "$out" --progress false "$@" > "$out.log" 2>&1 || true
    e=$(date +%s.%N)
    /usr/bin/python3 - "$out/jobs.csv" "$s" "$e" "$w" "$(cut -d' ' -f1 /proc/loadavg)" "$*" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
wall = float(sys.argv[3]) - float(sys.argv[2])
steps = sum(float(r["step_seconds"] or 0) for r in rows)
print(json.dumps({"workers": int(sys.argv[4]), "options": sys.argv[6], "points": len(rows),
                  "finished": sum(r["status"] == "finished" for r in rows), "wall_s": round(wall, 2),
                  "step_s": round(steps, 2), "load_after": float(sys.argv[5])}))
PY
  }
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  results="$(mktemp)"
  t 1 >> "$results"; t 2 >> "$results"
  if [ -n "${NCELAB_BENCH_FRESH:-}" ]; then t 1 --points-per-worker 1 >> "$results"; fi   # a new JVM per point
  {
  echo "\`./ncelab sweep $file --workers N\` (15 points: FCE-MAF, 1,500 steps each, evaluation every 500), in warm"
  echo "workers (each JVM trains its points one after the other). Wall-clock from the launch to the exit; step s is"
  echo "the sum over the points of their summary's step_seconds (the training steps alone). Per-point overhead ="
  echo "(workers x wall - step s) / points: the worker-seconds per point spent on anything but training steps (JVM"
  echo "and engine start, YAML, data generation, model set-up, evaluations, checkpoints, summaries, report pages, the"
  echo "sweep's bookkeeping). 1-minute load average before: $load_before (2 cores, shared with other work)."
  echo
  /usr/bin/python3 - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print("| workers | options | points finished | wall s | step s | per-point overhead s | load after |")
print("|---|---|---|---|---|---|---|")
for d in rows:
    print("| %d | %s | %d/%d | %.1f | %.1f | %.2f | %.1f |" % (d["workers"], d["options"] or "-", d["finished"],
          d["points"], d["wall_s"], d["step_s"], (d["workers"] * d["wall_s"] - d["step_s"]) / d["points"],
          d["load_after"]))
print()
print("Ratio two workers / one: %.3f" % (rows[1]["wall_s"] / rows[0]["wall_s"]))
PY
  } >> "$report"
  j=$(sed -n 2p "$results")
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
*) echo "usage: scripts/benchmark.sh speed|rss|startup|rss-fce|sweep|glow-gap" >&2; exit 2 ;;
esac
{ echo; echo "Raw JSON of the last ncelab line:"; echo; echo '```'; echo "$j"; echo '```'; } >> "$report"
cat "$report"
echo "written: $report" >&2
