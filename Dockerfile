# cgflux image. Multi-stage: build (every dependency + tsc) → runtime (production dependencies only).
#
#   docker build -t cgflux .                                   # normal build: npm ci from the registry
#   docker build --build-arg NODE_IMAGE=cgflux-base/node:20 .  # base made by scripts/build-base-image.sh
#
# Offline builds: put a tar of an installed node_modules in the build context as cgflux-deps.tar
# (`tar -cf cgflux-deps.tar node_modules`); the build then unpacks it instead of running npm ci.
# docs/deploy.md explains both, and why the container needs the host's /proc, cgroup, socket and pid
# namespace.
#
# Exact context switches (optional): run scripts/build-native.sh on the build host first; its
# static binary native/switches/build/cgflux-switches is copied in when present (the build
# stage has no compiler offline). Without it the image counts context switches from /proc.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
LABEL io.cgflux.stage=build
WORKDIR /app
# `cgflux-deps.ta[r]` is a wildcard so the file is optional: COPY needs only one source to exist.
COPY package.json package-lock.json cgflux-deps.ta[r] ./
RUN if [ -f cgflux-deps.tar ]; then \
      echo "using node_modules from cgflux-deps.tar (offline build)" && tar -xf cgflux-deps.tar && rm cgflux-deps.tar; \
    else \
      npm ci --no-audit --no-fund; \
    fi
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && npm prune --omit=dev --offline --no-audit --no-fund
# The optional native helper: the Makefile always exists, so COPY has a source either way.
COPY native/switches/Makefile native/switches/build/cgflux-switche[s] ./native/switches/build/

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# A fixed numeric uid/gid (10001) so Kubernetes' runAsNonRoot can verify it. Reading the Docker
# socket needs its group as a supplementary group, given at run time because it differs per host:
# `docker run --group-add $(stat -c %g /var/run/docker.sock)`, compose `group_add`.
RUN echo 'cgflux:x:10001:10001:cgflux:/var/lib/cgflux:/sbin/nologin' >>/etc/passwd \
 && echo 'cgflux:x:10001:' >>/etc/group \
 && mkdir -p /var/lib/cgflux /etc/cgflux \
 && chown 10001:10001 /var/lib/cgflux
COPY --from=build /app/package.json /app/package.json
COPY --from=build /app/node_modules /app/node_modules
COPY --from=build /app/dist/src /app/dist/src
COPY config/cgflux.yaml /etc/cgflux/cgflux.yaml
# The helper gets CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN as permitted file capabilities (set here:
# COPY drops them); they take effect only when the container is granted them (docs/deploy.md).
COPY --from=build /app/native/switches/build /app/native/switches/build
RUN cd /app/native/switches/build && rm -f Makefile \
 && if [ -f cgflux-switches ]; then ./cgflux-switches --set-file-caps cgflux-switches; fi
USER 10001:10001
# The spool: metrics buffered on disk while InfluxDB is unreachable; keep it on a volume.
VOLUME ["/var/lib/cgflux"]
EXPOSE 9273
# No curl in the image: node's fetch. The HTTP listener binds 127.0.0.1 by default, which is
# where a HEALTHCHECK runs (inside the container's network namespace).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9273/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# No init process inside the image: cgflux handles SIGTERM/SIGINT itself (flushes the spool, then
# exits) and starts no child processes but the optional context-switch helper, which it reaps
# and which exits with it, so it is safe as PID 1. `docker run --init` / compose
# `init: true` adds Docker's tini anyway, for zombie reaping and default signal behaviour.
ENTRYPOINT ["node", "--min-semi-space-size=16", "--interrupt-budget=16896", "/app/dist/src/cli.js"]
CMD ["run", "--config", "/etc/cgflux/cgflux.yaml"]
