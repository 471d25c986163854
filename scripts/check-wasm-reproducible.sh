#!/usr/bin/env bash
# Fails (exit 1) when the committed ts/wasm/neurenix_kernels.wasm is not what
# the Rust source builds to. Builds in a temporary copy of the tree (so the
# working tree's target/ and binary are untouched) and compares bytes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
COMMITTED=$ROOT/ts/wasm/neurenix_kernels.wasm
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [[ ! -f $COMMITTED ]]; then
  echo "check-wasm-reproducible: FAIL: $COMMITTED is missing (run npm run build:wasm and commit it)" >&2
  exit 1
fi

# Only what the build reads: the Cargo workspace and the build script.
mkdir -p "$TMP/src/scripts"
cp "$ROOT/Cargo.toml" "$TMP/src/"
[[ -f $ROOT/Cargo.lock ]] && cp "$ROOT/Cargo.lock" "$TMP/src/"
cp -R "$ROOT/crates" "$TMP/src/"
cp "$ROOT/scripts/build-wasm.sh" "$TMP/src/scripts/"

NEURENIX_WASM_OUT="$TMP/fresh.wasm" bash "$TMP/src/scripts/build-wasm.sh"

if cmp -s "$COMMITTED" "$TMP/fresh.wasm"; then
  echo "check-wasm-reproducible: OK: the committed wasm is byte-identical to a fresh build ($(wc -c <"$COMMITTED") bytes)"
  exit 0
fi
echo "check-wasm-reproducible: FAIL: ts/wasm/neurenix_kernels.wasm differs from a fresh build of crates/" >&2
echo "  committed: $(wc -c <"$COMMITTED") bytes, sha256 $(sha256sum "$COMMITTED" | cut -c1-16)" >&2
echo "  fresh:     $(wc -c <"$TMP/fresh.wasm") bytes, sha256 $(sha256sum "$TMP/fresh.wasm" | cut -c1-16)" >&2
echo "  Rebuild with 'npm run build:wasm' and commit the binary (the build uses $(/usr/bin/rustc --version 2>/dev/null || rustc --version))." >&2
exit 1
