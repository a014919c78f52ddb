#!/usr/bin/env bash
# Quick start: install what is missing, start the fleet in the background, show it, play the
# cpu-spike scenario through it and print the report. The fleet keeps running afterwards so
# you can explore it (vigil ps, vigil inspect, nats micro ls); 'npx vigil down' stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
npx vigil down >/dev/null 2>&1 || true
npx vigil up --detach
npx vigil sim run "${1:-cpu-spike}" --baseline
echo
echo "The fleet is still running: try 'npx vigil ps', 'npx vigil inspect detector', 'npx vigil down'."
