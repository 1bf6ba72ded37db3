#!/usr/bin/env bash
# Prepare what the Dockerfile copies and cannot make itself: the built server and the
# production dependencies, in .image/ at the repository root.
#
#   npm run image:context        # then: docker build -t runbook-live .
#
# Why outside the image build: a build container may not reach the npm registry (no
# network, or a proxy whose certificate only the host trusts), while the host already
# has the packages in npm's cache. So the host builds, and the Dockerfile only copies.
#
# 1. .image/node_modules: `npm ci --omit=dev` of package-lock.json, from npm's cache
#    when it has the packages. Kept while package-lock.json is unchanged (a stamp file
#    holds its hash), so a second run skips it.
# 2. .image/dist: `astro build`, always (the sources may have changed).
#
# Each part is made in a temporary folder beside it and moved into place when complete,
# so an interrupted run never leaves a half-made part that a later build copies.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

STAGE=.image
# The pinned Node 24 when npm ci installed it (Astro 7 needs 22.12 or later).
NODE="${NODE:-$( [[ -x node_modules/.bin/node ]] && echo node_modules/.bin/node || echo node )}"

log() { printf '[image-context %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

[[ -f node_modules/astro/bin/astro.mjs ]] || { log "node_modules/astro is missing; run npm ci first"; exit 1; }
mkdir -p "$STAGE"
start=$(date +%s)

lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="$STAGE/node_modules/.runbook-live-lock-sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
  log "production dependencies up to date with package-lock.json"
else
  log "installing production dependencies (npm ci --omit=dev)"
  deps="$STAGE/deps.tmp"
  rm -rf "$deps"
  mkdir -p "$deps"
  cp package.json package-lock.json "$deps/"
  (cd "$deps" && npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error </dev/null)
  echo "$lock_hash" >"$deps/node_modules/.runbook-live-lock-sha256"
  rm -rf "$STAGE/node_modules"
  mv "$deps/node_modules" "$STAGE/node_modules"
  rm -rf "$deps"
fi

log "building the server (astro build)"
rm -rf "$STAGE/dist.tmp"
ASTRO_TELEMETRY_DISABLED=1 "$NODE" node_modules/astro/bin/astro.mjs build --outDir "$STAGE/dist.tmp" >"$STAGE/astro-build.log" 2>&1 || {
  log "astro build failed; its output:"; cat "$STAGE/astro-build.log" >&2; exit 1; }
rm -rf "$STAGE/dist"
mv "$STAGE/dist.tmp" "$STAGE/dist"

log "done in $(( $(date +%s) - start ))s: node_modules $(du -sh "$STAGE/node_modules" | cut -f1), dist $(du -sh "$STAGE/dist" | cut -f1)"
