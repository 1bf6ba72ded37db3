#!/usr/bin/env bash
# Make a local stand-in for the public node:24-slim image, without any registry.
#
#   bash scripts/make-node-base-image.sh
#
# Produces local/node:24-slim: the offline Debian bookworm base that
# examples/make-base-image.sh makes (local/python:3-bookworm, made first if it is
# missing) plus the Node 24 binary npm already installed from the `node` package
# (node_modules/node/bin/node). The binary needs only glibc, libstdc++ and libgcc_s,
# which the minbase already has (apt depends on them). The result is good enough to
# run runbook-live's image; it has no npm, yarn or corepack, unlike the real one.
#
# Idempotent: when the image exists and carries the same Node version, it returns at
# once; a different version (after an update of the `node` package) rebuilds it.
#
# Environment:
#   NODE_BASE_IMAGE  image to create (default local/node:24-slim)
#   DEBIAN_BASE      image to start from (default local/python:3-bookworm)
#   NODE_BINARY      Node binary to copy in (default node_modules/node/bin/node)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

NODE_BASE_IMAGE="${NODE_BASE_IMAGE:-local/node:24-slim}"
DEBIAN_BASE="${DEBIAN_BASE:-local/python:3-bookworm}"
NODE_BINARY="${NODE_BINARY:-node_modules/node/bin/node}"
VERSION_LABEL=org.runbook-live.node-version

log() { printf '[make-node-base-image %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

command -v docker >/dev/null || { log "docker CLI missing; run scripts/docker-engine.sh first"; exit 1; }
docker info >/dev/null 2>&1 || { log "Docker engine does not answer; run scripts/docker-engine.sh first"; exit 1; }
[[ -x "$NODE_BINARY" ]] || { log "$NODE_BINARY is not an executable; run npm ci first (it installs the pinned Node)"; exit 1; }

# Resolve the npm package's symlinks: the build context must hold the file itself.
binary="$(readlink -f "$NODE_BINARY")"
version="$("$binary" --version)"
[[ "$version" =~ ^v24\. ]] || { log "$NODE_BINARY is Node $version, expected v24.x"; exit 1; }

existing="$(docker image inspect -f "{{ index .Config.Labels \"$VERSION_LABEL\" }}" "$NODE_BASE_IMAGE" 2>/dev/null || true)"
if [[ "$existing" == "$version" ]]; then
  log "$NODE_BASE_IMAGE already exists with Node $version"
  exit 0
fi

if ! docker image inspect "$DEBIAN_BASE" >/dev/null 2>&1; then
  log "$DEBIAN_BASE is missing; making it (examples/make-base-image.sh)"
  BASE_IMAGE="$DEBIAN_BASE" bash examples/make-base-image.sh
fi

start=$(date +%s)
context="$(mktemp -d /var/tmp/node-base-context.XXXXXX)"
trap 'rm -rf "$context"' EXIT
# A hard link when the file system allows it: the binary is 120 MB.
ln "$binary" "$context/node" 2>/dev/null || cp "$binary" "$context/node"
cat >"$context/Dockerfile" <<'DOCKERFILE'
ARG DEBIAN_BASE
FROM ${DEBIAN_BASE}
ARG NODE_VERSION
LABEL org.runbook-live.node-version="${NODE_VERSION}" \
      org.opencontainers.image.description="Local stand-in for node:24-slim: Debian bookworm minbase + the Node binary of the npm package"
ENV NODE_VERSION=${NODE_VERSION}
COPY node /usr/local/bin/node
CMD ["node"]
DOCKERFILE

log "building $NODE_BASE_IMAGE from $DEBIAN_BASE with Node $version"
docker build -q --build-arg "DEBIAN_BASE=$DEBIAN_BASE" --build-arg "NODE_VERSION=$version" \
  -t "$NODE_BASE_IMAGE" "$context" >/dev/null
docker run --rm --network none "$NODE_BASE_IMAGE" node -e 'console.log("node", process.version, "runs in the image")'
log "done in $(( $(date +%s) - start ))s: $(docker image inspect -f '{{.Size}}' "$NODE_BASE_IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
