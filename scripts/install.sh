#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine with Node 20 lacks to run vigil:
# nats-server (apt) when it is not on the PATH, then the node modules (npm ci, which builds).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "vigil: installing nats-server with apt-get" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq nats-server
  else
    echo "vigil: nats-server is missing and apt-get is not available." >&2
    echo "       Install nats-server 2.9 or later (https://github.com/nats-io/nats-server/releases) and run this again." >&2
    exit 1
  fi
fi

# Chromium (the dashboard tests, `vigil report --pdf`, `npm run screenshots`) and pdftotext
# (the report test): Debian packages, installed only when missing. vigil never downloads a browser.
missing_pkgs=""
[ -x /usr/bin/chromium ] || missing_pkgs="$missing_pkgs chromium"
command -v pdftotext >/dev/null 2>&1 || missing_pkgs="$missing_pkgs poppler-utils"
# prometheus (with promtool): the tests check vigil's rules with promtool and scrape a running
# fleet with a real Prometheus (README "Watching vigil with Prometheus").
{ command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; } || missing_pkgs="$missing_pkgs prometheus"
if [ -n "$missing_pkgs" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "vigil: installing$missing_pkgs with apt-get" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq $missing_pkgs
  else
    echo "vigil: missing$missing_pkgs (Debian packages) and apt-get is not available; the dashboard, report and Prometheus tests need them." >&2
    exit 1
  fi
fi

# Debian packages the real-deployment tests run against: Prometheus (and promtool), Alertmanager,
# node_exporter; openssl (a test makes a self-signed certificate). Installed only when missing.
missing=()
for pkg in prometheus prometheus-alertmanager prometheus-node-exporter openssl; do
  [ -x "/usr/bin/$pkg" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "vigil: installing ${missing[*]} with apt-get" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    echo "vigil: ${missing[*]} missing and apt-get is not available: the real-deployment tests need them." >&2
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "vigil: Node 20 or later is needed (found $(node --version))" >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm run build --silent
fi
