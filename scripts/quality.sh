#!/usr/bin/env bash
# The quality table of FCE against NCE (issue: FCE beats NCE with a fixed Gaussian at the same number of EBM
# updates), on the six 2-D data sets, with the MLE-trained flows alone beside them and -H (the best possible
# mean log-likelihood). Writes results/benchmarks/<timestamp>-quality.md. Usage:
#   scripts/quality.sh [STEPS] [DATASETS...]     # defaults: 10000 steps, all six data sets; 2 runs at a time
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-10000}"; shift || true
datasets=("${@:-8gaussians spiral 2spirals checkerboard rings pinwheel}")
read -r -a datasets <<< "${datasets[*]}"
out="results/quality/$(date +%Y%m%d-%H%M%S)"
report="results/benchmarks/$(date +%Y%m%d-%H%M%S)-quality.md"
mkdir -p "$out" results/benchmarks
./ncelab --version >/dev/null
# run the whole script on a snapshot of this build, whatever is rebuilt meanwhile
snapshot="$(mktemp -d)"; cp -r runners/target/ncelab.jar runners/target/lib "$snapshot/"
export NCELAB_TARGET="$snapshot" NCELAB_NO_BUILD=1

common="training.max_steps=$steps logging.every=100 logging.eval_every=1000 output=$out"
run() { ./ncelab run "$@" --quiet > /dev/null 2>&1 || true; }
export -f run
jobs=()
for d in "${datasets[@]}"; do
  jobs+=("experiments/fce-maf-8gaussians.yaml name=fce-maf-$d dataset.type=$d $common")
  jobs+=("experiments/fce-glow-8gaussians.yaml name=fce-glow-$d dataset.type=$d $common")
  jobs+=("experiments/mle-maf-8gaussians.yaml name=mle-maf-$d dataset.type=$d $common")
  jobs+=("experiments/mle-glow-8gaussians.yaml name=mle-glow-$d dataset.type=$d $common")
done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -I{} bash -c 'run {}'
# NCE with the fixed N(0, 4I) gets as many EBM updates as FCE-MAF made, at FCE's batch and data size.
for d in "${datasets[@]}"; do
  n=$(/usr/bin/python3 -c "import json,glob; print(json.load(open(glob.glob('$out/fce-maf-$d/*/summary.json')[0]))['energy_steps'])")
  echo "experiments/nce-8gaussians.yaml name=nce-$d dataset.type=$d dataset.samples=500000 training.batch=1000 training.epochs=100 logging.every=100 logging.eval_every=1000 output=$out training.max_steps=$n"
done | xargs -P 2 -I{} bash -c 'run {}'

/usr/bin/python3 - "$out" "$steps" "$report" <<'PY'
import glob, json, sys, subprocess
out, steps, report = sys.argv[1], sys.argv[2], sys.argv[3]
methods = [("nce", "NCE, fixed N(0,4I)"), ("fce-maf", "FCE-MAF"), ("fce-glow", "FCE-Glow"),
           ("mle-maf", "MAF by MLE"), ("mle-glow", "Glow by MLE")]
only = sys.argv[4:]  # method keys to report (default: all)
def fmt(v):
    return "-" if v is None else ("%.3f" % v if isinstance(v, float) else str(v))
rows = []
for d in ["8gaussians", "spiral", "2spirals", "checkerboard", "rings", "pinwheel"]:
    for key, label in methods:
        f = glob.glob(f"{out}/{key}-{d}/*/summary.json")
        if not f:
            continue
        s = json.load(open(f[0]))
        mle = key.startswith("mle")
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            d, label, fmt(s.get("energy_steps") if not mle else 0), fmt(None if mle else s.get("mse_logp")),
            fmt(None if mle else s.get("test_loglik")), fmt(s.get("flow_test_loglik")),
            fmt(None if mle else s.get("log_z")), fmt(None if mle else s.get("log_z_quadrature")),
            fmt(None if mle else s.get("accuracy")), fmt(s.get("best_loglik"))))
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
with open(report, "w") as w:
    w.write(f"# Quality: NCE vs FCE-MAF vs FCE-Glow, and the flows alone by MLE\n\n")
    w.write(f"Command: `scripts/quality.sh {steps}` (commit {commit}); run directories under `{out}/`.\n\n")
    w.write(f"FCE: the reference set-up (500,000 samples, batch 1000, lr 1e-3 / 7e-4, threshold 0.6, seed 42) for "
            f"{steps} steps. NCE: the reference EBM against N(0, 4I), batch 1000, for as many EBM updates as FCE-MAF "
            f"made. MLE: the flow alone, {steps} steps. All metrics on fresh held-out samples; mse_logp where the "
            f"true density is known; test_loglik normalised by quadrature on [-4,4]^2; best = -H (reference.md §1.8).\n\n")
    w.write("| data | method | EBM updates | mse_logp | test_loglik | flow_test_loglik | log_z (learned) | log_z (quadrature) | accuracy | best |\n")
    w.write("|---|---|---|---|---|---|---|---|---|---|\n")
    w.write("\n".join(rows) + "\n")
print(open(report).read())
PY
echo "written: $report" >&2
