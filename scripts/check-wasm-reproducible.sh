#!/usr/bin/env bash
# Fails (exit 1) when a committed wasm module (the kernels, their relaxed-SIMD
# build, the bench probes) is not what the Rust source builds to. Builds in a
# temporary copy of the tree (so the working tree's target/ and binaries are
# untouched) and compares bytes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
# The modules scripts/build-wasm.sh writes, as committed.
COMMITTED=(ts/wasm/neurenix_kernels.wasm ts/wasm/neurenix_kernels_relaxed.wasm bench/wasm/neurenix_probes.wasm)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for f in "${COMMITTED[@]}"; do
  if [[ ! -f $ROOT/$f ]]; then
    echo "check-wasm-reproducible: FAIL: $f is missing (run npm run build:wasm and commit it)" >&2
    exit 1
  fi
done

# Only what the build reads: the Cargo workspace and the build script.
mkdir -p "$TMP/src/scripts" "$TMP/fresh"
cp "$ROOT/Cargo.toml" "$TMP/src/"
[[ -f $ROOT/Cargo.lock ]] && cp "$ROOT/Cargo.lock" "$TMP/src/"
cp -R "$ROOT/crates" "$TMP/src/"
cp "$ROOT/scripts/build-wasm.sh" "$TMP/src/scripts/"

NEURENIX_WASM_OUT_DIR="$TMP/fresh" bash "$TMP/src/scripts/build-wasm.sh"

failed=0
for f in "${COMMITTED[@]}"; do
  fresh=$TMP/fresh/$(basename "$f")
  if cmp -s "$ROOT/$f" "$fresh"; then
    echo "check-wasm-reproducible: OK: $f is byte-identical to a fresh build ($(wc -c <"$ROOT/$f") bytes)"
  else
    echo "check-wasm-reproducible: FAIL: $f differs from a fresh build of crates/" >&2
    echo "  committed: $(wc -c <"$ROOT/$f") bytes, sha256 $(sha256sum "$ROOT/$f" | cut -c1-16)" >&2
    echo "  fresh:     $(wc -c <"$fresh") bytes, sha256 $(sha256sum "$fresh" | cut -c1-16)" >&2
    failed=1
  fi
done
if [[ $failed == 1 ]]; then
  echo "  Rebuild with 'npm run build:wasm' and commit the modules (the build uses $(/usr/bin/rustc --version 2>/dev/null || rustc --version))." >&2
  exit 1
fi
