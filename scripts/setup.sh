#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine (Node >= 20 already installed) for Wirelens.
#   bash scripts/setup.sh         # system packages for the tests + npm ci
#   bash scripts/setup.sh --app   # only npm ci (what running the app needs)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--app" ]; then
  pkgs="tshark tcpdump chromium python3-dpkt wireshark-common"
  missing=""
  for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends $missing
  fi
fi

# The Electron binary is downloaded only where its host is reachable; without it `npm start` serves the web UI.
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
npm ci --no-audit --no-fund
