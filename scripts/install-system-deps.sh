#!/usr/bin/env bash
# Installs the Debian packages that some tests and tools need and npm cannot provide:
#   chromium    - the real browser the collection app's tests drive through playwright-core
#   prometheus  - the server (and promtool) that checks deploy/prometheus and every dashboard query
# Idempotent: does nothing when both are present. Needs root or passwordless sudo.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Debian's prometheus package ships both the server and promtool.
if ! command -v prometheus >/dev/null 2>&1 || ! command -v promtool >/dev/null 2>&1; then missing+=(prometheus); fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "system deps: chromium and prometheus already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else
    echo "system deps: need root (or sudo) to apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

echo "system deps: installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's prometheus package starts a system service on install where an init system exists; the tests start
# their own servers on loopback ports, so a background daemon is neither needed nor wanted.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
echo "system deps: done"
