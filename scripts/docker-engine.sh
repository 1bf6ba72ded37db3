#!/usr/bin/env bash
# Bring up a local Docker engine (idempotent).
#
#   bash scripts/docker-engine.sh
#
# 1. installs docker.io with apt if dockerd is missing;
# 2. if the engine at /var/run/docker.sock already answers, does nothing more;
# 3. otherwise starts dockerd in the background (nohup, log in $DOCKERD_LOG),
#    trying the default configuration first and falling back to more
#    conservative flag sets (no iptables, no bridge, vfs storage) if the
#    engine does not come up;
# 4. prints the engine and API versions.
#
# Environment:
#   DOCKERD_LOG            log file (default /var/log/dockerd.log)
#   DOCKERD_WAIT_SECONDS   how long to wait for each attempt (default 60)
#   DOCKERD_EXTRA_FLAGS    force one flag set instead of the fallback ladder
#   DOCKER_ENGINE_FLAGS_FILE  where the winning flag set is recorded
#                          (default /var/run/docker-engine.flags)
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
WAIT_SECONDS="${DOCKERD_WAIT_SECONDS:-60}"
SOCK=/var/run/docker.sock
# Records which flag set brought the engine up (printed on later runs).
FLAGS_FILE="${DOCKER_ENGINE_FLAGS_FILE:-/var/run/docker-engine.flags}"

log() { printf '[docker-engine %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

engine_up() { docker version >/dev/null 2>&1 && docker info >/dev/null 2>&1; }

print_versions() {
  docker version --format 'engine {{.Server.Version}} (API {{.Server.APIVersion}}, min API {{.Server.MinAPIVersion}}), client {{.Client.Version}}'
  docker info --format 'storage driver {{.Driver}}, cgroup {{.CgroupDriver}} v{{.CgroupVersion}}, root {{.DockerRootDir}}' 2>/dev/null || true
  if [[ -r "$FLAGS_FILE" ]]; then
    echo "dockerd flags: $(cat "$FLAGS_FILE")"
  fi
}

if [[ $EUID -ne 0 ]]; then
  SUDO=sudo
else
  SUDO=
fi

# --- 1. install --------------------------------------------------------------
if ! command -v dockerd >/dev/null 2>&1; then
  log "dockerd not found; installing docker.io with apt"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
fi

# --- 2. already running? -----------------------------------------------------
if engine_up; then
  log "engine already answers on $SOCK"
  print_versions
  exit 0
fi

# A dockerd we (or someone) started may still be booting: give it a moment
# rather than starting a second one.
if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd process exists but does not answer yet; waiting up to ${WAIT_SECONDS}s"
  for _ in $(seq "$WAIT_SECONDS"); do
    if engine_up; then print_versions; exit 0; fi
    sleep 1
  done
  log "existing dockerd (pid $(pgrep -x dockerd | tr '\n' ' ')) never answered; giving up" \
      "- stop it and rerun this script"
  exit 1
fi

# --- 3. start, with fallbacks ------------------------------------------------
# Each entry is one set of flags; the first one that yields a working engine
# wins. The default comes first so a normal host gets a normal engine.
if [[ -n "${DOCKERD_EXTRA_FLAGS:-}" ]]; then
  ATTEMPTS=("$DOCKERD_EXTRA_FLAGS")
else
  ATTEMPTS=(
    ""
    "--iptables=false"
    "--iptables=false --bridge=none"
    "--iptables=false --bridge=none --storage-driver=vfs"
  )
fi

mkdir -p "$(dirname "$DOCKERD_LOG")"
touch "$DOCKERD_LOG"

# Smoke test for a fresh engine: it answers and its storage driver can create
# a layer. (Importing an empty tarball exercises the graph driver without
# needing any image from a registry.)
storage_ok() {
  local img="docker-engine-smoke:$$"
  if tar -cf - --files-from /dev/null | docker import - "$img" >/dev/null 2>&1; then
    docker image rm -f "$img" >/dev/null 2>&1 || true
    return 0
  fi
  return 1
}

for flags in "${ATTEMPTS[@]}"; do
  log "starting dockerd ${flags:-(default flags)}; log: $DOCKERD_LOG"
  rm -f /var/run/docker.pid
  echo "=== $(date -u +%FT%TZ) dockerd $flags" >>"$DOCKERD_LOG"
  # shellcheck disable=SC2086  # word splitting of $flags is intended
  nohup dockerd $flags >>"$DOCKERD_LOG" 2>&1 </dev/null &
  pid=$!
  up=0
  for _ in $(seq "$WAIT_SECONDS"); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "dockerd exited early; last log lines:"
      tail -n 5 "$DOCKERD_LOG" >&2 || true
      break
    fi
    if engine_up; then up=1; break; fi
    sleep 1
  done
  if [[ $up -eq 1 ]] && storage_ok; then
    echo "${flags:-(default)}" >"$FLAGS_FILE"
    log "engine up (pid $pid)"
    print_versions
    exit 0
  fi
  if kill -0 "$pid" 2>/dev/null; then
    log "engine with '${flags:-default}' not usable; stopping pid $pid"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
done

log "could not start a working Docker engine; see $DOCKERD_LOG"
exit 1
