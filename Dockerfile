# runbook-live as a container image.
#
# The build copies prepared parts and downloads nothing, so it works offline:
#
#   npm ci && npm run image:context        # .image/app: the built server + the node_modules it loads
#   docker build -t runbook-live .         # FROM node:24-slim
#   docker build --build-arg BASE_IMAGE=local/node:24-slim -t runbook-live .   # no registry:
#                                          # scripts/make-node-base-image.sh makes that base
#
# Layout (see "Deploying with Docker" in the README):
#   /app                       the server (dist/, node_modules/); not meant to be changed
#   /docs                      DOCS_DIR: the docs folder; the shipped content/ unless one is mounted
#   /config/runbook-live.yaml  SYSTEMS_CONFIG; relative `systems.<name>.dir` resolve against /config,
#                              which holds the shipped example system (examples/runner)
#   /data                      DATA_DIR: the SQLite database; mount a volume
#
# To run procedures the container needs the Docker socket of the engine it drives
# (-v /var/run/docker.sock:/var/run/docker.sock) and that socket's group
# (--group-add "$(stat -c %g /var/run/docker.sock)"): that is root on the host, so read
# the README's warning first.

ARG BASE_IMAGE=node:24-slim
FROM ${BASE_IMAGE}

ENV NODE_ENV=production \
    ASTRO_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=4321 \
    DOCS_DIR=/docs \
    DATA_DIR=/data \
    SYSTEMS_CONFIG=/config/runbook-live.yaml

# A fixed, numeric non-root user, so `docker run --user` and volume ownership are predictable.
# /data belongs to it, so a fresh named volume mounted there (seeded from the image) is writable.
RUN groupadd --system --gid 10001 runbook \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home --shell /usr/sbin/nologin runbook \
 && mkdir -p /app /docs /config /data \
 && chown 10001:10001 /data

WORKDIR /app
# Largest and least often changed first, so rebuilds after a docs or code change reuse it.
COPY .image/app/node_modules/ /app/node_modules/
COPY examples/runner/ /config/examples/runner/
COPY runbook-live.yaml /config/runbook-live.yaml
COPY content/ /docs/
COPY .image/app/dist/ /app/dist/

USER 10001:10001
VOLUME ["/data"]
EXPOSE 4321

# Slim images have no curl: Node's own fetch asks the liveness route.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4321) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "/app/dist/server/entry.mjs"]
