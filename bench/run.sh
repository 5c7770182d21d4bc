#!/usr/bin/env bash
# bench/run.sh [BUILD_DIR]: timed runs of the raserflow CLI (`make bench`).
#  (a) runtime overhead per node per item: core.generate (scalar) -> 10 x core.select -> core.discard
#      over 100,000 items, minus the same pipeline without the 10 select nodes, divided by
#      10 x 100,000; on 1 and on 2 threads.
#  (b) parallel speed-up: core.busy (200,000 sine evaluations per item, a parallel node) over 400
#      items, wall time on 1 thread / wall time on 2 threads.
#  (e) batch path: core.stack over 100,000 scalar items taken one by one (no `batch:`) and in
#      batches of 16; the difference per item is the cost of collecting batches in item order.
#  (f) checkpoint cost: a dataset-like run (random phantom -> 30 projections -> RASER
#      simulation -> receiver -> spectra -> io.hdf5 + per-item PNG) with checkpoints every 10
#      items against checkpoints only at the end; goal: under 5 % slower.
#  (g) training set: pipelines/dataset.yaml with 2 threads, images per second, time per node
#      from the manifest, and the projected time for the paper's 21,000 images (goal < 5 min).
#  (h) the networks (bench/dl_bench.cpp): one image through CNN + FBP + U-Net on 1 thread (goal
#      <= 20 ms), images/s in batches of 16, and training samples/s of the paper's CNN against
#      the same step in PyTorch (goal: at least equal).
#  (i) DNP: one buildup curve on a 32³ lattice over 20,000 cycles on one core (goal < 1 s).
#  (j) recorded data: projections per second read and cut to 4,096 points, per format.
#  (k) live latency (bench/stream_bench.cpp): over loopback, from the last projection of an image
#      sent to acquisition.stream to its spectra (stream -> mode_grid -> fft.spectrum), 30 x
#      32,768 points cut to 4,096; best and median of 7 images.
# Each figure is the best (shortest) of BENCH_REPEAT runs (default 5). Wall times include process
# start and plugin loading, which cancel out in (a) and are small against (b).
set -euo pipefail

build=${1:-build}
raserflow=$build/bin/raserflow
[[ -x $raserflow ]] || { echo "bench/run.sh: no $raserflow; build first (make build)" >&2; exit 2; }
repeat=${BENCH_REPEAT:-5}
chain=10
chain_items=100000
busy_items=1600
busy_iterations=200000

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# chain_pipeline N: generate -> N x select -> discard.
chain_pipeline() {
  local n=$1 f=$tmp/chain$1.yaml edge="gen" i
  {
    echo "name: chain$n"
    echo "items: $chain_items"
    echo "nodes:"
    echo "  gen: {type: core.generate, params: {shape: []}}"
    for ((i = 1; i <= n; i++)); do
      echo "  s$i: {type: core.select, params: {fields: [data]}}"
      edge+=" -> s$i"
    done
    echo "  sink: {type: core.discard}"
    echo "edges:"
    echo "  - $edge -> sink"
  } > "$f"
  echo "$f"
}

busy_pipeline() {
  local f=$tmp/busy.yaml
  cat > "$f" <<YAML
name: busy
items: $busy_items
nodes:
  gen: {type: core.generate, params: {shape: []}}
  work: {type: core.busy, params: {iterations: $busy_iterations}}
  sink: {type: core.discard}
edges:
  - gen -> work -> sink
YAML
  echo "$f"
}

now() { date +%s.%N; }

# best_time FILE THREADS [--set ...]: the shortest wall time in seconds of `repeat` runs.
best_time() {
  local file=$1 threads=$2 best="" i t0 t1 t
  for ((i = 0; i < repeat; i++)); do
    t0=$(now)
    if ! "$raserflow" run "$file" --threads "$threads" --out "$tmp/out" --fresh "${@:3}" > "$tmp/log" 2>&1; then
      cat "$tmp/log" >&2
      echo "bench/run.sh: $file failed" >&2
      exit 1
    fi
    t1=$(now)
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
    if [[ -z $best ]] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
  done
  echo "$best"
}

chain0=$(chain_pipeline 0)
chainN=$(chain_pipeline "$chain")
busy=$(busy_pipeline)

echo "raserflow benchmarks: $raserflow, $(nproc) cores, best of $repeat runs"
echo
echo "(a) runtime overhead per node per item: $chain x core.select, $chain_items scalar items"
printf '%-9s %12s %12s %22s\n' threads "t0 [s]" "t$chain [s]" "overhead [us/node/item]"
for threads in 1 2; do
  t0=$(best_time "$chain0" "$threads")
  tn=$(best_time "$chainN" "$threads")
  overhead=$(awk -v a="$t0" -v b="$tn" -v n="$chain" -v m="$chain_items" 'BEGIN { printf "%.3f", (b - a) / (n * m) * 1e6 }')
  printf '%-9s %12.3f %12.3f %22s\n' "$threads" "$t0" "$tn" "$overhead"
done
echo
echo "(b) parallel speed-up: core.busy, iterations $busy_iterations, $busy_items items"
t1=$(best_time "$busy" 1)
t2=$(best_time "$busy" 2)
speedup=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')
printf '%-9s %12s\n' threads "time [s]"
printf '%-9s %12.3f\n' 1 "$t1"
printf '%-9s %12.3f\n' 2 "$t2"
printf '%-9s %12s\n' "speed-up" "${speedup}x"
echo
echo "(c) RASER simulator (bench/raser_bench.cpp)"
"$build/bin/raser_bench"
echo
echo "(i) DNP buildup (bench/dnp_bench.cpp): 32^3 lattice, 20,000 cycles, one core (goal < 1 s)"
"$build/bin/dnp_bench"
echo
echo "(j) recorded data (bench/replay_bench.cpp): read + cut per format, 30 x 32,768 points"
"$build/bin/replay_bench"
echo
echo "(k) live latency (bench/stream_bench.cpp): last projection -> spectra over loopback, 30 x 32,768 points"
"$build/bin/stream_bench"
echo
echo "(d) whole demo pipeline (pipelines/demo.yaml, one image through every node)"
demo_time=$(best_time "$(dirname "$0")/../pipelines/demo.yaml" 1)
printf '%-9s %12.3f s\n' "1 thread" "$demo_time"
echo
echo "(e) batch path: core.stack, $chain_items scalar items"
stack_pipeline() {
  local f=$tmp/stack$1.yaml
  cat > "$f" <<YAML
name: stack
items: $chain_items
nodes:
  gen: {type: core.generate, params: {shape: []}}
  net: {type: core.stack$1}
  sink: {type: core.discard}
edges:
  - gen -> net -> sink
YAML
  echo "$f"
}
plain=$(stack_pipeline "")
batched=$(stack_pipeline ", batch: 16")
printf '%-9s %12s %12s %22s\n' threads "one [s]" "batch 16 [s]" "batch path [us/item]"
for threads in 1 2; do
  ta=$(best_time "$plain" "$threads")
  tb=$(best_time "$batched" "$threads")
  per=$(awk -v a="$ta" -v b="$tb" -v m="$chain_items" 'BEGIN { printf "%.3f", (b - a) / m * 1e6 }')
  printf '%-9s %12.3f %12.3f %22s\n' "$threads" "$ta" "$tb" "$per"
done
echo
dataset_items=${BENCH_DATASET_ITEMS:-300}
echo "(f) checkpoint cost: dataset-like run, $dataset_items images, 2 threads"
dataset=$tmp/dataset.yaml
cat > "$dataset" <<YAML
name: dataset
items: $dataset_items
seed: 1
nodes:
  phantom: {type: phantom.random, params: {size: 44}}
  project: {type: radon.project, params: {angle_count: 30}}
  raser: {type: raser.simulate}
  receiver: {type: acquisition.simulated, params: {snr: 1000.0}}
  spectrum: {type: fft.spectrum}
  store: {type: io.hdf5, params: {fields: [image, projections, spectra, raser_projections]}}
  figure: {type: io.png, params: {fields: [image], scale: 2}}
edges:
  - phantom -> project -> raser -> receiver -> spectrum -> store -> figure
YAML
t_end=$(best_time "$dataset" 2 --set checkpoint_every=1000000000)
t_ck=$(best_time "$dataset" 2 --set checkpoint_every=10)
cost=$(awk -v a="$t_end" -v b="$t_ck" 'BEGIN { printf "%.1f", (b - a) / a * 100 }')
printf '%-28s %10.3f s\n' "checkpoint at the end only" "$t_end"
printf '%-28s %10.3f s\n' "checkpoint every 10 items" "$t_ck"
printf '%-28s %10s %%\n' "cost" "$cost"

echo
training_items=${BENCH_TRAINING_ITEMS:-1000}
echo "(g) training set: pipelines/dataset.yaml, $training_items images, 2 threads (goal: 21,000 in < 5 min)"
t=$(best_time pipelines/dataset.yaml 2 --set items="$training_items")
per_second=$(awk -v t="$t" -v n="$training_items" 'BEGIN { printf "%.1f", n / t }')
projected=$(awk -v t="$t" -v n="$training_items" 'BEGIN { printf "%.1f", 21000 * t / n / 60 }')
printf '%-28s %10.3f s\n' "wall time" "$t"
printf '%-28s %10s images/s\n' "throughput" "$per_second"
printf '%-28s %10s min\n' "projected 21,000 images" "$projected"
echo "time per node (manifest, summed over both threads):"
/usr/bin/python3 - "$tmp/out/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for node, t in m["nodes"].items():
    print(f"  {node:<14} {t['ms_per_item']:8.2f} ms per image")
PY

echo
echo "(h) networks (bench/dl_bench.cpp): inference per image, images/s, training samples/s"
if [ -x "$build/bin/dl_bench" ]; then
  "$build/bin/dl_bench"
  echo "scikit-image's iradon, for the FBP figure above (bench/skimage_fbp_bench.py):"
  /usr/bin/python3 "$(dirname "$0")/skimage_fbp_bench.py" || echo "  (python3-skimage missing)"
  echo "the same training step in PyTorch (bench/pytorch_train_bench.py):"
  /usr/bin/python3 "$(dirname "$0")/pytorch_train_bench.py" || echo "  (python3-torch missing)"
else
  echo "  dl_bench not built"
fi
