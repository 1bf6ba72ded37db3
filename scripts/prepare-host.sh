#!/usr/bin/env bash
# Best-effort host preparation for `npm start`: make sure a Docker engine answers and the
# offline base image exists, so the embedded runbook has something real to build and run.
# It never fails the start: without an engine the site still serves, and runs report
# docker_unreachable with the host they tried.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '[prepare-host] %s\n' "$*" >&2; }

if docker version >/dev/null 2>&1; then
  say "Docker engine answers at ${DOCKER_HOST:-/var/run/docker.sock}"
elif [[ $EUID -eq 0 ]]; then
  say "no Docker engine answers; starting one (scripts/docker-engine.sh)"
  bash scripts/docker-engine.sh || say "could not start a Docker engine; the site will run, but procedures will fail with docker_unreachable"
else
  say "no Docker engine answers and this is not root; start Docker yourself (or run: sudo bash scripts/docker-engine.sh)"
fi

if docker version >/dev/null 2>&1 && ! docker image inspect python:3.13-slim >/dev/null 2>&1; then
  if [[ $EUID -eq 0 ]]; then
    say "base image python:3.13-slim is missing; making it offline (examples/make-base-image.sh, about a minute)"
    bash examples/make-base-image.sh || say "could not make the base image; pull python:3.13-slim if a registry is reachable"
  else
    say "base image python:3.13-slim is missing; pull it, or run: sudo bash examples/make-base-image.sh"
  fi
fi
exit 0
