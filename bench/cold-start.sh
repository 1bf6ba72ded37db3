#!/usr/bin/env bash
# Server cold start of one build, to compare two builds in the same minutes:
#
#   bash bench/cold-start.sh DOCS_DIR [ENTRY] [ROUNDS]
#
# ENTRY defaults to this checkout's dist/server/entry.mjs; point it at another worktree's build
# (git worktree add /tmp/old <commit> && (cd /tmp/old && npx astro build)) and alternate the two.
# Prints the time from spawning the server to its first 200 for GET /, once per round, each with
# an empty data folder. bench/docs-check.ts makes team repositories of 1,005 and 5,005 docs.
set -euo pipefail
docs="${1:?usage: bench/cold-start.sh DOCS_DIR [ENTRY] [ROUNDS]}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
entry="${2:-$root/dist/server/entry.mjs}"
rounds="${3:-3}"
port=4998
for ((round = 1; round <= rounds; round++)); do
  data="$(mktemp -d)"
  start=$(date +%s%N)
  DOCS_DIR="$docs" DATA_DIR="$data" SYSTEMS_CONFIG=/nonexistent.yaml PORT=$port HOST=127.0.0.1 ASTRO_TELEMETRY_DISABLED=1 \
    "$root/node_modules/.bin/node" "$entry" >/dev/null 2>&1 &
  pid=$!
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" == 200 ]]; do sleep 0.01; done
  end=$(date +%s%N)
  echo "cold start $(( (end - start) / 1000000 )) ms ($entry)"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
done
