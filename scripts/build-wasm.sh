#!/usr/bin/env bash
# Builds the wasm modules (`npm run build:wasm`):
#  - ts/wasm/neurenix_kernels.wasm          the kernels, SIMD128 (every engine with SIMD);
#  - ts/wasm/neurenix_kernels_relaxed.wasm  the same source with relaxed SIMD on
#    (`v::madd` becomes f32x4.relaxed_madd), picked by ts/wasm/loader.ts where
#    the engine validates it;
#  - bench/wasm/neurenix_probes.wasm         the benchmarks' bandwidth probes
#    (crates/probes), kept out of the shipped kernels.
#
# Reproducible: the same source gives the same bytes, from any clone path.
# Paths that could leak into the binary (repo root, cargo home, Rust sources)
# are remapped, codegen is single-unit LTO, and wasm-opt is not run (binaryen
# 108 is not needed: LTO + opt-level 3 leaves little for it to do).
#
# Toolchain (see scripts/install-rust-toolchain.sh), in this order:
#  - Debian rustc-web (/usr/bin/rustc + /usr/lib/rustlib/src/rust): there is
#    no prebuilt wasm32 std, so a tiny sysroot (core + compiler_builtins) is
#    built once into target/wasm-sysroot and reused while rustc is unchanged;
#    the committed binary is built this way;
#  - rustup with the wasm32-unknown-unknown target installed.
#
# Env: NEURENIX_WASM_OUT_DIR=dir writes the three modules into dir (flat)
# instead of their places in the tree (scripts/check-wasm-reproducible.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT"
TARGET=wasm32-unknown-unknown
OUT_DIR=${NEURENIX_WASM_OUT_DIR:-}
CARGO_HOME_DIR=${CARGO_HOME:-$HOME/.cargo}

RUST_SRC=/usr/lib/rustlib/src/rust
if [[ -x /usr/bin/rustc && -x /usr/bin/cargo && -d $RUST_SRC/library/core ]]; then
  RUSTC_BIN=/usr/bin/rustc
  CARGO_BIN=/usr/bin/cargo
  TOOLCHAIN=debian
elif command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx "$TARGET"; then
  RUSTC_BIN=$(rustup which rustc)
  CARGO_BIN=$(rustup which cargo)
  RUST_SRC=$("$RUSTC_BIN" --print sysroot)/lib/rustlib/src/rust
  TOOLCHAIN=rustup
else
  echo "build-wasm: no Rust toolchain for $TARGET; run scripts/install-rust-toolchain.sh" >&2
  exit 1
fi

REMAP=(
  "--remap-path-prefix=$ROOT=/neurenix"
  "--remap-path-prefix=$CARGO_HOME_DIR=/cargo"
  "--remap-path-prefix=$RUST_SRC=/rust"
)
CODEGEN=(-C opt-level=3 -C panic=abort -C target-feature=+simd128)

SYSROOT_FLAGS=()
if [[ $TOOLCHAIN == debian ]]; then
  # Relative on purpose: cargo runs rustc from the workspace root, and the
  # flags then do not depend on where the repo is cloned.
  SYSROOT=target/wasm-sysroot
  LIBDIR=$SYSROOT/lib/rustlib/$TARGET/lib
  STAMP="$("$RUSTC_BIN" -vV) ${CODEGEN[*]}"
  if [[ ! -f $SYSROOT/stamp || $(cat "$SYSROOT/stamp") != "$STAMP" ]]; then
    echo "build-wasm: building the core sysroot (once) into $SYSROOT"
    rm -rf "$SYSROOT"
    mkdir -p "$LIBDIR"
    COMMON=(--edition 2024 --crate-type lib --target "$TARGET" "${CODEGEN[@]}"
      -Zforce-unstable-if-unmarked "${REMAP[@]}")
    RUSTC_BOOTSTRAP=1 "$RUSTC_BIN" --crate-name core "${COMMON[@]}" \
      "$RUST_SRC/library/core/src/lib.rs" --out-dir "$LIBDIR"
    CFG_CARGO_FEATURES='[]' CFG_OPT_LEVEL=3 CFG_TARGET_FEATURES='[]' RUSTC_BOOTSTRAP=1 \
      "$RUSTC_BIN" --crate-name compiler_builtins "${COMMON[@]}" -C codegen-units=1 \
      --cfg 'feature="compiler-builtins"' --cfg 'feature="mem"' --cfg intrinsics_enabled \
      --cfg optimizations_enabled --cfg 'feature="unstable-intrinsics"' \
      --extern "core=$LIBDIR/libcore.rlib" --sysroot "$SYSROOT" \
      "$RUST_SRC/library/compiler-builtins/compiler-builtins/src/lib.rs" --out-dir "$LIBDIR"
    printf '%s' "$STAMP" >"$SYSROOT/stamp"
  fi
  SYSROOT_FLAGS=(--sysroot "$SYSROOT")
fi

# Memory: imported (env.memory, owned by ts/wasm/memory.ts), no maximum
# declared; 64 KiB of stack; __heap_base exported so the loader can check
# that static data + stack fit below KERNEL_RESERVED_BYTES.
LINK=(-C link-arg=--import-memory -C link-arg=--export=__heap_base -C link-arg=-zstack-size=65536)
echo "build-wasm: $TOOLCHAIN toolchain, $("$RUSTC_BIN" --version)"

# build PACKAGE LIBNAME FEATURES TARGET_DIR DEST: one cdylib with the given
# target features. Each feature set has its own target dir, so switching
# between them does not rebuild everything each time.
build() {
  local package=$1 lib=$2 features=$3 target_dir=$4 dest=$5
  local flags=("${SYSROOT_FLAGS[@]}" -C "target-feature=$features" "${REMAP[@]}" "${LINK[@]}")
  # CARGO_ENCODED_RUSTFLAGS (0x1f-separated) keeps paths with spaces intact.
  local encoded
  encoded=$(IFS=$'\x1f'; echo "${flags[*]}")
  env -u RUSTFLAGS RUSTC="$RUSTC_BIN" CARGO_ENCODED_RUSTFLAGS="$encoded" CARGO_TARGET_DIR="$target_dir" \
    "$CARGO_BIN" build --quiet --release --target "$TARGET" -p "$package"
  if [[ -n $OUT_DIR ]]; then dest=$OUT_DIR/$(basename "$dest"); fi
  mkdir -p "$(dirname "$dest")"
  cp "$target_dir/$TARGET/release/$lib.wasm" "$dest"
  echo "build-wasm: $dest ($(wc -c <"$dest") bytes, sha256 $(sha256sum "$dest" | cut -c1-16))"
}

build neurenix-wasm neurenix_kernels_wasm +simd128 target ts/wasm/neurenix_kernels.wasm
build neurenix-wasm neurenix_kernels_wasm +simd128,+relaxed-simd target/relaxed ts/wasm/neurenix_kernels_relaxed.wasm
build neurenix-probes neurenix_probes +simd128 target bench/wasm/neurenix_probes.wasm
