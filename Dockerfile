# unitd as a container's init: PID 1 boots default.target from systemd's unit directories
# (/etc/systemd/system, /run/systemd/system, /lib/systemd/system, ...); systemctl is unitctl.
#   docker build -t unitd .
#   docker run -d --name app unitd && docker exec app systemctl status
# docs/containers.md covers running it and moving a systemd-based image onto it.
# test/e2e/image.test.ts runs this file's install step and boots the result without an engine.

# Build stage: dependencies, the client bundle, then the image's files laid out under /src/image.
FROM node:24-bookworm-slim AS build
WORKDIR /src
RUN chown node:node /src
USER node
COPY --chown=node:node package.json package-lock.json ./
# Scripts stay off until the sources are here (the prepare script builds). Optional packages
# stay: koffi's prebuilt binary is one. The pinned Node is one too; image-install.mjs leaves it
# out (the base image has Node 24), and every dev dependency with it.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY --chown=node:node . .
RUN node scripts/build.mjs && node scripts/image-install.mjs /src/image

# Runtime stage: Node 24 from the base, unitd's production files, nothing from the build tools.
FROM node:24-bookworm-slim
# Root-owned in the image whoever owned them in the build stage (the node user).
COPY --from=build --chown=0:0 /src/image/ /
# PID 1 needs root to run services as their User= (setpriv) and to own /run/unitd; the services
# themselves should set User=. docs/containers.md shows running the whole container as a user.
USER root
WORKDIR /
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s CMD ["unitctl", "is-system-running"]
ENTRYPOINT ["/usr/bin/unitd"]
