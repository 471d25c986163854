#!/usr/bin/env bash
# Installs Debian's chromium for the browser checks (test/platforms), once:
# does nothing when /usr/bin/chromium already runs. Needs root (apt-get).
set -euo pipefail

if [ -x /usr/bin/chromium ] && /usr/bin/chromium --version >/dev/null 2>&1; then
  echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null) already installed"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser: run as root (or: sudo apt-get install -y chromium)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null) installed"
