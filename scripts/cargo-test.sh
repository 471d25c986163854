#!/usr/bin/env bash
# Host tests of the kernel crates (the scalar twins of every kernel), with the
# same toolchain choice as scripts/build-wasm.sh: Debian's rustc-web when
# installed (rustup's proxies come first on PATH here), else whatever cargo is on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -x /usr/bin/cargo && -x /usr/bin/rustc ]]; then
  RUSTC=/usr/bin/rustc exec /usr/bin/cargo test --workspace --offline "$@"
fi
exec cargo test --workspace --offline "$@"
