#!/usr/bin/env bash
# Build the local offline Python base image without any container registry.
#
#   bash examples/make-base-image.sh
#
# Produces local/python:3-bookworm (Debian bookworm minbase + python3, made
# with debootstrap from the same Debian mirror apt already uses) and tags it
# python:3.13-slim, so Dockerfiles that say `FROM python:3.13-slim` build
# offline. Idempotent: if both tags exist it returns immediately.
#
# Environment:
#   BASE_IMAGE   image name to create (default local/python:3-bookworm)
#   ALIAS_TAGS   space-separated extra tags (default python:3.13-slim)
#   SUITE        Debian suite (default bookworm)
#   MIRROR       Debian mirror (default: read from apt's sources)
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-local/python:3-bookworm}"
ALIAS_TAGS="${ALIAS_TAGS:-python:3.13-slim}"
SUITE="${SUITE:-bookworm}"

log() { printf '[make-base-image %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

tag_aliases() {
  local t
  for t in $ALIAS_TAGS; do
    if [[ "$(docker image inspect -f '{{.Id}}' "$t" 2>/dev/null || true)" != \
          "$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")" ]]; then
      docker tag "$BASE_IMAGE" "$t"
      log "tagged $BASE_IMAGE as $t"
    fi
  done
}

# First Debian (not -security / -updates-only) mirror URI apt is configured with.
detect_mirror() {
  local files=() f uri
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] && files+=("$f")
  done
  for f in "${files[@]}"; do
    case "$f" in
      *.sources)
        # deb822: a "URIs:" line in a stanza that carries our suite.
        uri="$(awk -v suite="$SUITE" '
          BEGIN { RS=""; FS="\n" }
          {
            u=""; s=0
            for (i = 1; i <= NF; i++) {
              if ($i ~ /^URIs:/)   { sub(/^URIs:[ \t]*/, "", $i); split($i, a, /[ \t]+/); u=a[1] }
              if ($i ~ /^Suites:/) { n=split($i, b, /[ \t]+/); for (j = 2; j <= n; j++) if (b[j] == suite) s=1 }
            }
            if (u != "" && s) { print u; exit }
          }' "$f")"
        ;;
      *)
        uri="$(awk -v suite="$SUITE" '
          $1 == "deb" {
            k = 2; if ($k ~ /^\[/) { while ($k !~ /\]$/) k++; k++ }
            if ($(k+1) == suite) { print $k; exit }
          }' "$f")"
        ;;
    esac
    if [[ -n "$uri" ]]; then
      echo "$uri"
      return 0
    fi
  done
  echo "http://deb.debian.org/debian"
}

if have_image "$BASE_IMAGE"; then
  log "$BASE_IMAGE already exists"
  tag_aliases
  docker image ls --format '{{.Repository}}:{{.Tag}}  {{.ID}}  {{.Size}}' | grep -E "^(${BASE_IMAGE}|${ALIAS_TAGS// /|})  " || true
  exit 0
fi

command -v docker >/dev/null || { log "docker CLI missing; run scripts/docker-engine.sh first"; exit 1; }
docker info >/dev/null 2>&1 || { log "Docker engine does not answer; run scripts/docker-engine.sh first"; exit 1; }

if ! command -v debootstrap >/dev/null 2>&1; then
  log "installing debootstrap with apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

MIRROR="${MIRROR:-$(detect_mirror)}"
ROOTFS="$(mktemp -d /var/tmp/python-rootfs.XXXXXX)"
cleanup() {
  # debootstrap may leave /proc or /sys mounted inside the target on failure.
  local m
  for m in proc sys dev/pts dev; do
    mountpoint -q "$ROOTFS/$m" 2>/dev/null && umount -l "$ROOTFS/$m" || true
  done
  rm -rf --one-file-system "$ROOTFS" "$ROOTFS.debootstrap.log"
}
trap cleanup EXIT

start=$(date +%s)
log "debootstrap --variant=minbase --include=python3 $SUITE $ROOTFS $MIRROR"
debootstrap --variant=minbase --include=python3 "$SUITE" "$ROOTFS" "$MIRROR" \
  >"$ROOTFS.debootstrap.log" 2>&1 || {
  log "debootstrap failed; last lines:"; tail -n 20 "$ROOTFS.debootstrap.log" >&2; exit 1; }
rm -f "$ROOTFS.debootstrap.log"

# Slim the rootfs like Debian's -slim images: no apt caches or lists, no man
# pages, translations or docs (copyright files stay), and a dpkg config that
# keeps later `apt-get install`s in derived images equally slim.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
       "$ROOTFS"/var/cache/debconf/*-old "$ROOTFS"/var/log/*.log \
       "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/usr/share/locale/* \
       "$ROOTFS"/usr/share/lintian "$ROOTFS"/usr/share/linda
find "$ROOTFS"/usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete
find "$ROOTFS"/usr/share/doc -mindepth 1 -type d -empty -delete
cat >"$ROOTFS/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
# `python` as well as `python3`, like the official python images.
if [[ ! -e "$ROOTFS/usr/bin/python" && ! -e "$ROOTFS/usr/local/bin/python" ]]; then
  ln -s /usr/bin/python3 "$ROOTFS/usr/local/bin/python"
fi
# Point apt in the image at the same mirror (harmless when offline).
echo "deb $MIRROR $SUITE main" >"$ROOTFS/etc/apt/sources.list"

log "importing rootfs as $BASE_IMAGE"
tar --numeric-owner -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'LABEL org.opencontainers.image.description="Debian bookworm minbase + python3 (debootstrap, local)"' \
  --change 'CMD ["python3"]' \
  --message "debootstrap --variant=minbase --include=python3 $SUITE ($MIRROR)" \
  - "$BASE_IMAGE" >/dev/null
tag_aliases

log "done in $(( $(date +%s) - start ))s"
docker run --rm --network none "$BASE_IMAGE" python3 -c 'import sys; print("python", sys.version.split()[0])'
docker image ls --format '{{.Repository}}:{{.Tag}}  {{.ID}}  {{.Size}}' | grep -E "^(${BASE_IMAGE}|${ALIAS_TAGS// /|})  " || true
