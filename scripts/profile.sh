#!/usr/bin/env bash
# Profiles ncelab's training step with async-profiler (CPU samples, Java and native frames) and prints a summary:
# where a step's time goes, by engine call (the JNI entry point DJL uses) and by kind of work. Usage:
#   scripts/profile.sh nce|fce-maf|fce-glow [STEPS]      # writes results/profiles/<timestamp>-<what>.{collapsed,md}
# async-profiler comes from Maven Central (tools.profiler:async-profiler, linux-x64) into target/ on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-nce}"; steps="${2:-}"
ap_version=4.1
ap_dir="target/async-profiler-$ap_version"
if [ ! -f "$ap_dir/linux-x64/libasyncProfiler.so" ]; then
  mvn -B -q dependency:copy -Dartifact="tools.profiler:async-profiler:$ap_version:jar:linux-x64" -DoutputDirectory="$ap_dir" >&2
  (cd "$ap_dir" && unzip -q -o "async-profiler-$ap_version-linux-x64.jar" 'linux-x64/*')
fi
case "$what" in
  nce) exp=experiments/nce-8gaussians.yaml; extra="training.batch=1000 dataset.samples=100000"; steps="${steps:-3000}";;
  fce-maf) exp=experiments/fce-maf-8gaussians-reference.yaml; extra="dataset.samples=100000"; steps="${steps:-1000}";;
  fce-glow) exp=experiments/fce-glow-8gaussians-reference.yaml; extra="dataset.samples=100000"; steps="${steps:-1000}";;
  *) echo "usage: scripts/profile.sh nce|fce-maf|fce-glow [STEPS]" >&2; exit 2;;
esac
./ncelab --version >/dev/null
mkdir -p results/profiles
base="results/profiles/$(date +%Y%m%d-%H%M%S)-$what"
# cstack=vm walks native frames through the JVM's own unwinder, so engine calls keep their Java callers
NCELAB_JAVA_OPTS="-Xmx4g -agentpath:$PWD/$ap_dir/linux-x64/libasyncProfiler.so=start,event=cpu,interval=1ms,file=$PWD/$base.collapsed,cstack=vm" \
  ./ncelab bench "$exp" $extra training.max_steps="$steps" training.threads=1 logging.every=1000 \
  logging.eval_every=1000000 logging.plots=false 2>/dev/null | tail -1 > "$base.json"
python3 - "$base.collapsed" "$base.json" "$what" "$steps" > "$base.md" <<'PY'
import collections, json, re, sys
path, js, what, steps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
bench = json.loads(open(js).read())
calls, kinds = collections.Counter(), collections.Counter()
total = 0
for line in open(path):
    stack, n = line.rstrip().rsplit(" ", 1)
    frames, n = stack.split(";"), int(n)
    leaf = frames[-1]
    in_step = "TrainingStep.run" in stack
    # MKL's GEMM kernels have no frame pointers, so their samples lose their callers: count them as the step's
    gemm = leaf.startswith("mkl_blas") or "gemm" in leaf.lower()
    if not in_step and not (gemm and frames[0] != "dev/ncelab/runners/Main.main"):
        continue
    total += n
    jni = next((f for f in frames if f.startswith("Java_ai_djl_pytorch_jni_PyTorchLibrary_")), None)
    if gemm:
        kinds["matrix products (MKL GEMM)"] += n
    elif re.search(r"malloc|free|unlink_chunk|consolidate|_\[k\]$", leaf):
        kinds["memory allocation, page faults"] += n
    elif "VectorizedLoop" in leaf or "vectorized" in leaf.lower() or "cascade_sum" in leaf or "Sleef" in leaf:
        kinds["element-wise and reduction kernels"] += n
    elif jni is None:
        kinds["Java (ncelab, DJL bookkeeping, random numbers)"] += n
    else:
        kinds["engine dispatch, autograd bookkeeping, JNI"] += n
    if jni:
        calls[jni.replace("Java_ai_djl_pytorch_jni_PyTorchLibrary_", "")] += n
    elif gemm:
        calls["(GEMM, caller lost)"] += n
    else:
        calls["(Java)"] += n
print(f"# Profile: {what}, {steps} steps, 1 thread\n")
print(f"ncelab bench: median {bench.get('ms_median')} ms per step (CPU {bench.get('cpu_ms_median')} ms); "
      f"EBM step {bench.get('energy_ms_median')} ms, flow step {bench.get('noise_ms_median', '-')} ms.\n")
print(f"{total} CPU samples (1 ms) in training steps.\n")
print("| kind of work | share |\n|---|---|")
for k, v in kinds.most_common():
    print(f"| {k} | {100 * v / total:.1f}% |")
print("\n| engine call (JNI entry point) | share |\n|---|---|")
for k, v in calls.most_common(15):
    print(f"| {k} | {100 * v / total:.1f}% |")
PY
cat "$base.md"
