#!/usr/bin/env bash
# Installs official Node binaries of other major versions for CI, from the npm
# packages node-linux-<arch>@<major> (the npm registry is all CI needs), into
# .cache/node/<major>/ (git-ignored). Idempotent: a major already there is
# kept. Prints one line per version, "<major> <path of its bin/node>".
#
#   bash scripts/install-node-versions.sh          # 22 and 24
#   bash scripts/install-node-versions.sh 22       # just 22
#   PATH="$(dirname "$(bash scripts/install-node-versions.sh 24 | cut -d' ' -f2)"):$PATH" npm test
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-node-versions: no node-linux-* package for $(uname -m)" >&2; exit 1 ;;
esac

majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)

for major in "${majors[@]}"; do
  if ! [[ "$major" =~ ^[0-9]+$ ]]; then
    echo "install-node-versions: '$major' is not a major version (like 22)" >&2
    exit 1
  fi
  dir=".cache/node/$major"
  node="$dir/bin/node"
  if ! { [ -x "$node" ] && [[ "$("$node" --version 2>/dev/null)" == "v$major."* ]]; }; then
    rm -rf "$dir"
    mkdir -p "$dir"
    # npm pack fetches the package's tarball without installing anything.
    tarball=$(npm pack "node-linux-$arch@$major" --pack-destination "$dir" --silent | tail -n 1)
    tar -xzf "$dir/$tarball" -C "$dir" --strip-components=1
    rm "$dir/$tarball"
    got=$("$node" --version)
    if [[ "$got" != "v$major."* ]]; then
      echo "install-node-versions: node-linux-$arch@$major gave Node $got" >&2
      exit 1
    fi
  fi
  echo "$major $(pwd)/$node"
done
