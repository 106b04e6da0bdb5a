#!/usr/bin/env bash
# NCE, FCE-MAF, CD and DSM on the six 2-D toy sets at equal wall-clock time (training.max_seconds), one seed:
# held-out mse_logp where the density is known (8gaussians, checkerboard, rings) and test_loglik (normalised
# by quadrature on [-4,4]^2) everywhere. Each estimator uses its committed experiment file
# (experiments/{nce,fce-maf,cd,dsm}-8gaussians.yaml) with dataset.type switched. Writes
# results/benchmarks/<timestamp>-estimators.md with the command. Usage:
#   scripts/compare-estimators.sh [SECONDS] [DATASETS...]   # defaults: 60 s per run, all six data sets
#   BENCH_JOBS=2 BENCH_SEED=42 scripts/compare-estimators.sh 45
# Runs share the machine (BENCH_JOBS at a time, 1 by default): on a busy machine a run gets less CPU in its
# seconds, so compare within one report, and read the steps column.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"; shift || true
datasets=("${@:-8gaussians spiral 2spirals checkerboard rings pinwheel}")
read -r -a datasets <<< "${datasets[*]}"
jobs="${BENCH_JOBS:-1}"
seed="${BENCH_SEED:-42}"
stamp="$(date +%Y%m%d-%H%M%S)"
out="results/estimators/$stamp"
report="results/benchmarks/$stamp-estimators.md"
mkdir -p "$out" results/benchmarks
. scripts/lib/snapshot.sh; snapshot_build   # the build, once, outside any timing; the script runs on a copy of it

# no step limit (epochs far beyond the budget), one evaluation at the end, no plots: the clock is the limit
common="seed=$seed training.max_seconds=$seconds training.epochs=100000 logging.every=100 logging.eval_every=100000000 logging.plots=false output=$out"
run() { ./ncelab run "$@" --quiet > /dev/null 2>&1 || true; }
export -f run
for d in "${datasets[@]}"; do
  for e in nce fce-maf cd dsm; do
    # FCE in its reference set-up: the tuned file's cosine decay spans its step count, not the clock
    f="experiments/$e-8gaussians.yaml"; [ "$e" = fce-maf ] && f="experiments/fce-maf-8gaussians-reference.yaml"
    echo "$f name=$e-$d dataset.type=$d $common"
  done
done | xargs -P "$jobs" -I{} bash -c 'run {}'

/usr/bin/python3 - "$out" "$seconds" "$report" "$jobs" "$seed" "${datasets[*]}" <<'PY'
import glob, json, subprocess, sys
out, seconds, report, jobs, seed, data = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6].split()
all_six = data == ["8gaussians", "spiral", "2spirals", "checkerboard", "rings", "pinwheel"]
methods = [("nce", "NCE, N(0,4I)"), ("fce-maf", "FCE-MAF"), ("cd", "CD, Langevin"), ("dsm", "DSM")]
learns_c = {"nce": True, "fce-maf": True, "cd": False, "dsm": False}  # cd, dsm: c calibrated at the end

def load(name):
    f = glob.glob(f"{out}/{name}/*/summary.json")
    return json.load(open(f[0])) if f else None

def fmt(v, p="%.3f"):
    return "-" if v is None else p % v

rows, best_ll, best_mse = [], {}, {}
for d in data:
    res = {m: load(f"{m}-{d}") for m, _ in methods}
    h = next((s.get("best_loglik") for s in res.values() if s), None)
    lls = {m: s.get("test_loglik") for m, s in res.items() if s and s.get("test_loglik") is not None}
    mses = {m: s.get("mse_logp") for m, s in res.items() if s and s.get("mse_logp") is not None}
    best_ll[d] = max(lls, key=lls.get) if lls else None
    best_mse[d] = min(mses, key=mses.get) if mses else None
    for m, label in methods:
        s = res[m]
        if not s:
            rows.append(f"| {d} | {label} | missing | | | | | |")
            continue
        mse = s.get("mse_logp")
        mse_txt = "-" if mse is None else (fmt(mse) if learns_c[m] else fmt(mse) + " (c by quadrature)")
        ll = s.get("test_loglik")
        mark = " **best**" if best_ll[d] == m else ""
        rows.append("| %s | %s | %s | %d | %s | %s%s | %s | %s |" % (d, label, s.get("status"), s.get("steps", 0),
            mse_txt, fmt(ll), mark, fmt(s.get("log_z_quadrature")), fmt(s.get("log_z"))))
    rows.append(f"| {d} | best possible (-H) | | | | {fmt(h)} | | |")

commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
cmd = f"BENCH_JOBS={jobs} BENCH_SEED={seed} scripts/compare-estimators.sh {seconds}" + ("" if all_six else " " + " ".join(data))
with open(report, "w") as w:
    w.write("# Estimators at equal wall-clock time: NCE, FCE-MAF, CD, DSM\n\n")
    w.write(f"Command: `{cmd}` (commit {commit}); run directories under `{out}/`.\n\n")
    w.write(f"Each run trains for {seconds} s of wall-clock time (`training.max_seconds`, evaluation and plots "
            f"off until the end), seed {seed}, {jobs} run(s) at a time on a shared 2-core machine, from the "
            "committed experiment files with `dataset.type` switched: NCE against N(0, 4I) (batch 100), FCE with "
            "a MAF flow (batch 1000, threshold 0.6), CD with persistent short-run Langevin (batch 100, 20 steps), "
            "DSM with sigmas 0.05/0.1/0.2 (batch 100). test_loglik: mean held-out log-likelihood, normalised by "
            "quadrature on [-4,4]^2 (comparable across estimators). mse_logp: mean squared error of the EBM's "
            "log density against the truth, with c as learned for NCE and FCE; CD and DSM do not learn c, so their "
            "experiment files set training.calibrate_log_z, which moves c to the quadrature log Z at the end "
            "(log_z_shift in their summaries): their mse_logp is that of the normalised model, which favours them "
            "slightly over an error in a learned c.\n\n")
    w.write("| data | estimator | status | steps | mse_logp | test_loglik | log_z_quadrature | log_z (c) |\n")
    w.write("|---|---|---|---|---|---|---|---|\n")
    w.write("\n".join(rows) + "\n\n")
    w.write("Best test_loglik per data set: " + ", ".join(f"{d}: {dict(methods).get(best_ll[d], '-')}" for d in data) + ".\n")
    w.write("Best mse_logp: " + ", ".join(f"{d}: {dict(methods).get(best_mse[d], '-')}" for d in data if best_mse[d]) + ".\n")
print(open(report).read())
PY
echo "written: $report" >&2
