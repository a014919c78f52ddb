#!/usr/bin/env bash
# Quick start: install what is missing, start the fleet in the background, show it, play the
# ddos scenario through it beside the baselines and print the report: vigil recognises the flood
# from the shape of the traffic and rate-limits it, where an HPA scales to its quota and still
# breaches the SLO. The fleet keeps running afterwards so
# you can explore it (vigil ps, vigil inspect, nats micro ls); 'npx vigil down' stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
npx vigil down >/dev/null 2>&1 || true
npx vigil up --detach
npx vigil sim run "${1:-ddos}" --baseline
echo
echo "The fleet is still running: try 'npx vigil ps', 'npx vigil inspect detector', 'npx vigil down'."
