#!/usr/bin/env bash
# Installs a Rust toolchain that can build crates/wasm for wasm32-unknown-unknown
# (see /work/shared/TOOLCHAIN.md). Idempotent and quick when already installed.
#
#  1. rustup, when present and `rustup target add wasm32-unknown-unknown`
#     succeeds (needs the network);
#  2. otherwise Debian's rustc-web / cargo-web / rust-web-src / lld (as root):
#     scripts/build-wasm.sh then builds a tiny core sysroot from the sources.
#
# Prints which toolchain it chose. NOTE: the committed .wasm is built with the
# Debian toolchain (see scripts/build-wasm.sh); the build prefers it when both exist.
set -euo pipefail

debian_ready() {
  [[ -x /usr/bin/rustc && -x /usr/bin/cargo && -d /usr/lib/rustlib/src/rust/library/core ]] &&
    { command -v rust-lld >/dev/null 2>&1 || ls /usr/bin/rust-lld* /usr/lib/llvm-*/bin/lld >/dev/null 2>&1; }
}

if debian_ready; then
  echo "install-rust-toolchain: Debian rustc-web already installed: $(/usr/bin/rustc --version)"
  exit 0
fi

if command -v rustup >/dev/null 2>&1; then
  if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    echo "install-rust-toolchain: rustup with wasm32-unknown-unknown already installed: $(rustc --version)"
    exit 0
  fi
  if timeout 120 rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
    echo "install-rust-toolchain: rustup, wasm32-unknown-unknown added: $(rustc --version)"
    exit 0
  fi
  echo "install-rust-toolchain: rustup cannot add wasm32-unknown-unknown (offline?); using Debian packages"
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-rust-toolchain: installing Debian packages needs root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# lld's package name carries the LLVM version; take the one the archive has.
lld_pkg=lld-22
if ! apt-cache show "$lld_pkg" >/dev/null 2>&1; then
  lld_pkg=$(apt-cache search --names-only '^lld-[0-9]+$' | awk '{print $1}' | sort -V | tail -n1)
fi
apt-get install -y -qq rustc-web cargo-web rust-web-src "${lld_pkg:-lld}" >/dev/null
debian_ready || { echo "install-rust-toolchain: Debian toolchain incomplete after install" >&2; exit 1; }
echo "install-rust-toolchain: Debian rustc-web installed: $(/usr/bin/rustc --version)"
