#!/usr/bin/env bash
# Prepare what the Dockerfile copies and cannot make itself: the built server and the
# dependency files it loads, in .image/app at the repository root.
#
#   npm run image:context        # then: docker build -t runbook-live .
#
# Why outside the image build: a build container may not reach the npm registry (no
# network, or a proxy whose certificate only the host trusts), while the host already
# has the packages in npm's cache. So the host builds, and the Dockerfile only copies.
#
# 1. .image/deps/node_modules: `npm ci --omit=dev` of package-lock.json, from npm's
#    cache when it has the packages. Kept while package-lock.json is unchanged (a stamp
#    file holds its hash), so a second run skips it.
# 2. .image/deps/dist: `astro build`, always (the sources may have changed).
# 3. .image/app: what the Dockerfile copies: dist/, and only the node_modules files the
#    server can load (scripts/trace-server-files.mjs): about 40 MB instead of 200.
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
deps="$STAGE/deps"
stamp="$deps/node_modules/.runbook-live-lock-sha256"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_hash" ]]; then
  log "production dependencies up to date with package-lock.json"
else
  log "installing production dependencies (npm ci --omit=dev)"
  rm -rf "$deps.tmp"
  mkdir -p "$deps.tmp"
  cp package.json package-lock.json "$deps.tmp/"
  (cd "$deps.tmp" && npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=error </dev/null >/dev/null)
  echo "$lock_hash" >"$deps.tmp/node_modules/.runbook-live-lock-sha256"
  rm -rf "$deps"
  mv "$deps.tmp" "$deps"
fi

log "building the server (astro build)"
rm -rf "$deps/dist.tmp"
ASTRO_TELEMETRY_DISABLED=1 "$NODE" node_modules/astro/bin/astro.mjs build --outDir "$deps/dist.tmp" >"$STAGE/astro-build.log" 2>&1 || {
  log "astro build failed; its output:"; cat "$STAGE/astro-build.log" >&2; exit 1; }
rm -rf "$deps/dist"
mv "$deps/dist.tmp" "$deps/dist"

log "keeping only the files the server loads (@vercel/nft)"
rm -rf "$STAGE/app.tmp"
"$NODE" scripts/trace-server-files.mjs "$deps" "$STAGE/app.tmp" >&2
rm -rf "$STAGE/app"
mv "$STAGE/app.tmp" "$STAGE/app"

log "done in $(( $(date +%s) - start ))s: $STAGE/app is $(du -sh "$STAGE/app" | cut -f1)"
