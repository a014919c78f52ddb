#!/usr/bin/env bash
# Benchmark: the 24-hour, 20-service diurnal scenario through the whole fleet (nine agent
# processes and a private nats-server on a free loopback port), twice from the same seed.
# Prints the wall time of each run and whether the two reports are identical.
set -euo pipefail
cd "$(dirname "$0")/.."
home=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
export VIGIL_HOME="$home" VIGIL_NATS_URL="nats://127.0.0.1:$port"
trap 'node dist/runtime/cli/main.js down >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
node dist/runtime/cli/main.js up --detach >/dev/null
node dist/runtime/cli/main.js sim run diurnal --json > "$home/run1.json"
node dist/runtime/cli/main.js sim run diurnal --json > "$home/run2.json"
node -e '
const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
// a run has its own id (and its incidents carry it): what must match is every decision and figure
const strip = (r) => JSON.stringify({ ...r, wallSeconds: 0, runId: "" }).split(r.runId.replace(/^run-/, "")).join("");
console.log(`diurnal (${a.simulatedSeconds / 3600} simulated hours): ${a.wallSeconds} s and ${b.wallSeconds} s of wall time; reports identical: ${strip(a) === strip(b)}`);
console.log(`  actions ${a.actions.length}, alerts ${a.alerts}, SLO violation ${a.sloViolationMinutes} min, instance-minutes ${a.instanceMinutes}`);
' "$home/run1.json" "$home/run2.json"
