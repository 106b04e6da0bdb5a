#!/usr/bin/env bash
# The quality table of FCE against NCE (issue: FCE beats NCE with a fixed Gaussian at the same number of EBM
# updates), on the six 2-D data sets, with the MLE-trained flows alone beside them and -H (the best possible
# mean log-likelihood). Writes results/benchmarks/<timestamp>-quality.md. Usage:
#   scripts/quality.sh [STEPS] [DATASETS...]     # defaults: 10000 steps, all six data sets; 2 runs at a time
#   QUALITY_SEEDS="42 43 44" scripts/quality.sh  # seeds of the FCE and NCE runs on 8gaussians (others: 42)
#   QUALITY_SETUP=reference scripts/quality.sh   # FCE from experiments/fce-*-8gaussians-reference.yaml (the
#                                                # reference set-up); default tuned: experiments/fce-*-8gaussians.yaml
#   QUALITY_MLE=0 scripts/quality.sh             # leave out the flows trained alone by MLE
#   QUALITY_FCE_ARGS="noise.pretrain_steps=2000" scripts/quality.sh   # extra key=value overrides of the FCE runs
#   QUALITY_OUT=results/quality/<dir> scripts/quality.sh ...  # into an earlier run's directory: runs only what is
#                                                # missing there (e.g. after an interruption), then the report
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-10000}"; shift || true
datasets=("${@:-8gaussians spiral 2spirals checkerboard rings pinwheel}")
read -r -a datasets <<< "${datasets[*]}"
seeds_8g="${QUALITY_SEEDS:-42 43 44}"
setup="${QUALITY_SETUP:-tuned}"
case "$setup" in
  tuned) suffix="" ;;
  reference) suffix="-reference" ;;
  *) echo "QUALITY_SETUP must be tuned or reference, found '$setup'" >&2; exit 2 ;;
esac
mle="${QUALITY_MLE:-1}"
fce_args="${QUALITY_FCE_ARGS:-}"
stamp="$(date +%Y%m%d-%H%M%S)"
out="${QUALITY_OUT:-results/quality/$stamp-$setup}"
report="results/benchmarks/$stamp-quality-$setup-setup.md"
mkdir -p "$out" results/benchmarks
. scripts/lib/snapshot.sh; snapshot_build   # the build, once, outside any timing; the script runs on a copy of it

seeds() { if [ "$1" = 8gaussians ]; then echo "$seeds_8g"; else echo 42; fi; }
eval_every=$((steps / 20))
# max_steps ends every run (and its learning-rate schedule) whatever the file's batch and epochs
common="training.max_steps=$steps training.epochs=1000 logging.every=100 logging.eval_every=$eval_every logging.plots=false output=$out"
# a run whose directory already holds a summary is not repeated (QUALITY_OUT)
run() {
  local name; name="$(printf '%s\n' "$@" | sed -n 's/^name=//p')"
  local o; o="$(printf '%s\n' "$@" | sed -n 's/^output=//p')"
  if [ -n "$name" ] && compgen -G "$o/$name/*/summary.json" > /dev/null; then return 0; fi
  ./ncelab run "$@" --quiet > /dev/null 2>&1 || true
}
export -f run
for d in "${datasets[@]}"; do
  for s in $(seeds "$d"); do
    echo "experiments/fce-maf-8gaussians$suffix.yaml name=fce-maf-$d-s$s seed=$s dataset.type=$d $common $fce_args"
    echo "experiments/fce-glow-8gaussians$suffix.yaml name=fce-glow-$d-s$s seed=$s dataset.type=$d $common $fce_args"
  done
  if [ "$mle" != 0 ]; then
    echo "experiments/mle-maf-8gaussians.yaml name=mle-maf-$d-s42 dataset.type=$d $common"
    echo "experiments/mle-glow-8gaussians.yaml name=mle-glow-$d-s42 dataset.type=$d $common"
  fi
done | xargs -P 2 -I{} bash -c 'run {}'
# NCE with the fixed N(0, 4I), at FCE's batch and data size, for as many EBM updates as the FCE run of the same
# seed that made more; the report compares each FCE run with NCE at that FCE run's own number of updates.
nce_common="dataset.samples=500000 training.batch=1000 training.epochs=100 logging.every=100 logging.eval_every=250 output=$out"
updates() { /usr/bin/python3 -c "import json,glob; print(json.load(open(glob.glob('$out/$1/*/summary.json')[0]))['energy_steps'])" 2>/dev/null || echo 0; }
for d in "${datasets[@]}"; do
  for s in $(seeds "$d"); do
    a=$(updates "fce-maf-$d-s$s"); b=$(updates "fce-glow-$d-s$s"); n=$(( a > b ? a : b ))
    [ "$n" -gt 0 ] && echo "experiments/nce-8gaussians.yaml name=nce-$d-s$s seed=$s dataset.type=$d $nce_common training.max_steps=$n"
  done
done | xargs -P 2 -I{} bash -c 'run {}'
# NCE at equal wall-clock: as many steps as fit in the FCE run's training seconds (evaluations excluded) at the
# NCE run's own seconds per step (measured in the same window), for the FCE run of the seed that trained longer
wall_steps() { /usr/bin/python3 -c "
import json, glob
def s(n):
    f = glob.glob('$out/' + n + '/*/summary.json')
    return json.load(open(f[0])) if f else None
nce = s('nce-$1-s$2')
fce = [x for x in (s('fce-maf-$1-s$2'), s('fce-glow-$1-s$2')) if x]
print(int(max(f['step_seconds'] for f in fce) / (nce['step_seconds'] / nce['steps'])) if nce and fce and nce['steps'] else 0)
" 2>/dev/null || echo 0; }
for d in "${datasets[@]}"; do
  for s in $(seeds "$d"); do
    n=$(wall_steps "$d" "$s")
    [ "$n" -gt 0 ] && echo "experiments/nce-8gaussians.yaml name=nce-wall-$d-s$s seed=$s dataset.type=$d $nce_common training.epochs=1000 training.max_steps=$n"
  done
done | xargs -P 2 -I{} bash -c 'run {}'

/usr/bin/python3 - "$out" "$steps" "$report" "$seeds_8g" "${datasets[*]}" "$setup" "$suffix" "$fce_args" "$mle" "${QUALITY_OUT:+1}" <<'PY'
import csv, glob, json, statistics, subprocess, sys
out, steps, report, seeds_8g, data = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split()
setup, suffix, fce_args, mle, reused = sys.argv[6], sys.argv[7], sys.argv[8], sys.argv[9], sys.argv[10]
all_six = data == ["8gaussians", "spiral", "2spirals", "checkerboard", "rings", "pinwheel"]

def load(name):
    f = glob.glob(f"{out}/{name}/*/summary.json")
    if not f:
        return None
    rows = list(csv.DictReader(open(f[0].replace("summary.json", "metrics.csv"))))
    return json.load(open(f[0])), rows

def window(rows, key, lo, hi, step="step"):
    """The median of a metric over the evaluations with lo <= step <= hi."""
    v = [float(r[key]) for r in rows if r.get(key) not in (None, "") and lo <= int(r[step]) <= hi]
    return statistics.median(v) if v else None

def fmt(v):
    return "-" if v is None else "%.3f" % v

def med(vs):
    vs = [v for v in vs if v is not None]
    return statistics.median(vs) if vs else None

table, verdicts = [], []
for d in data:
    seeds = seeds_8g.split() if d == "8gaussians" else ["42"]
    if not glob.glob(f"{out}/*-{d}-s*"):
        continue
    res = {}
    for key in ["fce-maf", "fce-glow"]:
        for s in seeds:
            run, nce = load(f"{key}-{d}-s{s}"), load(f"nce-{d}-s{s}")
            if not run:
                continue
            summ, rows = run
            n = summ["energy_steps"]
            r = {"n": n, "status": summ["status"], "acc": window(rows, "accuracy", int(0.8 * steps), steps),
                 "dz": None if summ.get("log_z") is None or summ.get("log_z_quadrature") is None
                 else summ["log_z"] - summ["log_z_quadrature"],
                 "flow": window(rows, "flow_test_loglik", int(0.8 * steps), steps)}
            wall = load(f"nce-wall-{d}-s{s}")
            # NCE steps in this FCE run's training seconds, at the NCE run's seconds per step
            nw = int(summ["step_seconds"] / (nce[0]["step_seconds"] / nce[0]["steps"])) if nce else None
            r["nw"] = nw
            for m in ["mse_logp", "test_loglik"]:
                r[m] = window(rows, m, int(0.8 * steps), steps)
                # NCE over the same stretch of its own EBM updates: the last fifth up to n
                r["nce_" + m] = window(nce[1], m, int(0.8 * n), n) if nce else None
                r["wall_" + m] = window(wall[1], m, int(0.8 * nw), nw) if wall and nw else None
            res.setdefault(key, []).append(r)
    for key, label in [("fce-maf", "FCE-MAF"), ("fce-glow", "FCE-Glow")]:
        if key not in res:
            continue
        rs = res[key]
        for kind, pre in [("NCE, fixed N(0,4I), same EBM updates", "nce_"),
                          ("NCE, fixed N(0,4I), same training seconds", "wall_"), (label, "")]:
            mse = [r[pre + "mse_logp"] for r in rs]
            ll = [r[pre + "test_loglik"] for r in rs]
            if pre == "wall_" and all(v is None for v in mse + ll):
                continue
            table.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                d, kind, "/".join(str(r["nw" if pre == "wall_" else "n"]) for r in rs), fmt(med(mse)),
                " ".join(fmt(v) for v in mse) if len(rs) > 1 else "", fmt(med(ll)),
                "-" if pre else fmt(med([r["flow"] for r in rs])), "-" if pre else fmt(med([r["acc"] for r in rs])),
                "-" if pre else " ".join("%+.3f" % r["dz"] if r["dz"] is not None else "-" for r in rs),
                "" if pre else ", ".join(sorted({r["status"] for r in rs}))))
        m_f, m_n = med([r["mse_logp"] for r in rs]), med([r["nce_mse_logp"] for r in rs])
        l_f, l_n = med([r["test_loglik"] for r in rs]), med([r["nce_test_loglik"] for r in rs])
        m_w, l_w = med([r["wall_mse_logp"] for r in rs]), med([r["wall_test_loglik"] for r in rs])
        better = lambda f, n, lower: "-" if f is None or n is None else ("FCE" if (f < n if lower else f > n) else "NCE")
        verdicts.append("| %s | %s | %s | %s | %s | %s |" % (d, label, better(m_f, m_n, True),
            better(l_f, l_n, False), better(m_f, m_w, True), better(l_f, l_w, False)))
    for key, label in [("mle-maf", "MAF alone, by MLE"), ("mle-glow", "Glow alone, by MLE")]:
        run = load(f"{key}-{d}-s42")
        if run:
            table.append("| %s | %s | 0 | - | | - | %s | - | - | %s |" % (
                d, label, fmt(window(run[1], "flow_test_loglik", int(0.8 * steps), steps)), run[0]["status"]))
    best = None
    for f in glob.glob(f"{out}/*-{d}-s*/*/summary.json"):
        best = json.load(open(f)).get("best_loglik", best)
    table.append("| %s | best possible (-H, docs/reference-implementation.md §1.8) | | | | %s | %s | | | |" % (d, fmt(best), fmt(best)))

commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
with open(report, "w") as w:
    w.write("# Quality: NCE vs FCE-MAF vs FCE-Glow, and the flows alone by MLE\n\n")
    extra = (f" QUALITY_FCE_ARGS=\"{fce_args}\"" if fce_args else "") + (" QUALITY_MLE=0" if mle == "0" else "") \
        + (f" QUALITY_OUT={out}" if reused == "1" else "")
    w.write(f"Command: `QUALITY_SETUP={setup}{extra} QUALITY_SEEDS=\"{seeds_8g}\" scripts/quality.sh {steps}{'' if all_six else ' ' + ' '.join(data)}` (commit {commit}); run "
            f"directories under `{out}/`.\n\n")
    setup_text = ("the reference set-up (500,000 samples, batch 1000, lr 1e-3 / 7e-4, threshold 0.6)"
                  if setup == "reference" else "the tuned set-up (the reference one plus the `training:` keys of "
                  "experiments/fce-maf-8gaussians.yaml and fce-glow-8gaussians.yaml, see docs/quality.md)")
    w.write(f"FCE: {setup_text}, from experiments/fce-{{maf,glow}}-8gaussians{suffix}.yaml, for {steps} "
            f"steps, seeds {seeds_8g} on 8gaussians and 42 elsewhere. NCE: the reference EBM against N(0, 4I), "
            f"batch 1000, same seeds, compared with each FCE run at that run's number of EBM updates. MLE: the "
            f"flow alone, {steps} steps. Every figure is the median of the held-out evaluations over the last "
            f"fifth of training (FCE and MLE: steps {int(0.8 * steps)}-{steps}; NCE: EBM updates 0.8n-n), then "
            f"the median over seeds (per-seed values beside it): single evaluations swing (the reference "
            f"README's MAF band is 0.01-0.17). mse_logp where the true density is known; test_loglik normalised "
            f"by quadrature on [-4,4]^2; accuracy is FCE's classifier accuracy; 'log_z - quad' is, per seed, the final learned c minus the final "
            f"log_z_quadrature.\n\n")
    w.write("| data | method | EBM updates (NCE: its steps) | mse_logp | per seed | test_loglik | flow_test_loglik | accuracy "
            "| log_z - quad | status |\n")
    w.write("|---|---|---|---|---|---|---|---|---|---|\n")
    w.write("\n".join(table) + "\n\n")
    w.write("Which is better (median over seeds), at the same number of EBM updates and in the same training "
            "seconds (NCE's steps: the FCE run's training seconds over NCE's seconds per step in this window):\n\n")
    w.write("| data | FCE | lower mse_logp, same updates | higher test_loglik, same updates "
            "| lower mse_logp, same seconds | higher test_loglik, same seconds |\n|---|---|---|---|---|---|\n")
    w.write("\n".join(verdicts) + "\n")
print(open(report).read())
PY
echo "written: $report" >&2
