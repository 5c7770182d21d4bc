#!/usr/bin/env bash
# install_and_load.sh BUILD_DIR SOURCE_DIR
# Installs raserflow from BUILD_DIR into a temporary prefix, builds examples/plugin against that
# installation (find_package(raserflow)), installs the plugin into a second prefix and checks
# that the installed CLI lists example.scale and that the example pipeline computes 1.5 * 2 = 3.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR SOURCE_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
plugins_prefix=$tmp/plugins-prefix

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

# Same compiler, generator and launcher as the main build: the loader rejects a plugin built
# with another compiler ABI.
cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" | head -n 1; }
cmake_args=(-DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo)
generator=$(cache_value CMAKE_GENERATOR)
[[ -n $generator ]] && cmake_args+=(-G "$generator")
compiler=$(cache_value CMAKE_CXX_COMPILER)
[[ -n $compiler ]] && cmake_args+=(-DCMAKE_CXX_COMPILER="$compiler")
launcher=$(cache_value CMAKE_CXX_COMPILER_LAUNCHER)
[[ -n $launcher ]] && cmake_args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")

step "install raserflow into $prefix"
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" || { cat "$tmp/install.log" >&2; fail "cmake --install"; }
raserflow=$prefix/bin/raserflow
[[ -x $raserflow ]] || fail "no $raserflow after install"

step "build examples/plugin against the installed package"
cmake -S "$src/examples/plugin" -B "$tmp/plugin-build" "${cmake_args[@]}"
cmake --build "$tmp/plugin-build" -j2
cmake --install "$tmp/plugin-build" --prefix "$plugins_prefix"
plugin_dir=$plugins_prefix/lib/raserflow/plugins
[[ -f $plugin_dir/example_scale.so ]] || fail "example_scale.so not installed in $plugin_dir: $(find "$plugins_prefix" -type f)"

step "raserflow nodes --plugin-path $plugin_dir"
"$raserflow" nodes --plugin-path "$plugin_dir" 2> "$tmp/nodes.err" | tee "$tmp/nodes.txt"
grep -q '^example\.scale  *example ' "$tmp/nodes.txt" || { cat "$tmp/nodes.err" >&2; fail "example.scale is not listed"; }
! grep -q example_scale "$tmp/nodes.err" || { cat "$tmp/nodes.err" >&2; fail "example_scale.so failed to load"; }
# Without the plugin folder the type must be absent: it came from the out-of-tree plugin.
"$raserflow" nodes > "$tmp/nodes-builtin.txt" 2> /dev/null
! grep -q '^example\.scale' "$tmp/nodes-builtin.txt" || fail "example.scale listed without --plugin-path"

step "run examples/plugin/scale.yaml"
"$raserflow" run "$src/examples/plugin/scale.yaml" --plugin-path "$plugin_dir" --threads 2 --out "$tmp/run" \
  || fail "the example pipeline exited with $?"
grep -q '"status": "complete"' "$tmp/run/manifest.json" || fail "manifest does not say complete"
items=$(wc -l < "$tmp/run/checksums.txt")
[[ $items -eq 4 ]] || fail "expected 4 checksum lines, got $items"

# The checksum covers the field's name, dtype, shape and bytes: equal lines mean 'scaled' is
# exactly float64[3] of 3.0 in every item. A reference with fill 3.0 written as 'scaled' must
# match; one with the unscaled 1.5 must not (the comparison can tell the values apart).
reference() {  # reference FILL OUT
  cat > "$tmp/reference.yaml" <<YAML
name: reference
items: 4
seed: 1
nodes:
  gen: {type: core.generate, params: {shape: [3], fill: $1}, outputs: {data: scaled}}
  sums: {type: core.checksum, params: {path: checksums.txt, fields: [scaled]}}
edges:
  - gen -> sums
YAML
  "$raserflow" run "$tmp/reference.yaml" --threads 1 --out "$2" 2> /dev/null
}
reference 3.0 "$tmp/ref3"
reference 1.5 "$tmp/ref15"
diff "$tmp/run/checksums.txt" "$tmp/ref3/checksums.txt" || fail "'scaled' is not 3.0 (1.5 * 2) everywhere"
! cmp -s "$tmp/run/checksums.txt" "$tmp/ref15/checksums.txt" || fail "checksums do not depend on the value"

# The same pipeline with a summary node: min, mean and max of 'scaled' must all print as 3.
cat > "$tmp/summary.yaml" <<YAML
name: summary
items: 4
seed: 1
include: [$src/examples/plugin/scale.yaml]
nodes:
  stats: {type: core.summary}
edges:
  - scale -> stats
YAML
"$raserflow" run "$tmp/summary.yaml" --plugin-path "$plugin_dir" --out "$tmp/summary" > "$tmp/summary.txt"
cat "$tmp/summary.txt"
awk '$1 == "scaled" && $2 == "float64" && $3 == "[3]" && $4 == 4 && $5 == 3 && $6 == 3 && $7 == 3 { ok = 1 }
     END { exit !ok }' "$tmp/summary.txt" || fail "summary does not show scaled = 3 in 4 items"

echo "PASS: example.scale built out of tree, loaded from $plugin_dir, 1.5 * 2 = 3"
