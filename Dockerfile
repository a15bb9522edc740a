# syntax=docker/dockerfile:1
# fleetdeck: web and worker image (README "Run it in a container").

# ---- build: install everything, build the Next app, then drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# fs-ext (the data-folder lock, an optional native addon) compiles here; without it fleetdeck falls back to a pid file.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build \
    && rm -rf .next/cache \
    && npm prune --omit=dev

# ---- runtime: Node, Chromium for the browser engine, the built app, production dependencies only ----
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-liberation \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data \
    && chown node:node /data
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    AUTH=on \
    PORT=3000 \
    CHROMIUM_PATH=/usr/bin/chromium \
    DATA_DIR=/data \
    NEXT_TELEMETRY_DISABLED=1
# tsx runs server.ts and src/ as they are (as `npm start` does), so the sources ship beside the build.
COPY --from=build /app/package.json /app/package-lock.json /app/server.ts /app/tsconfig.json /app/next.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/src ./src
COPY --from=build /app/drizzle ./drizzle
COPY --from=build /app/demo/products.csv ./demo/products.csv
# Next writes its runtime cache under .next, so that one folder belongs to the runtime user.
COPY --from=build --chown=node:node /app/.next ./.next
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same command test/helpers/server.ts runs (not `npm start`, whose prestart would rebuild).
CMD ["node", "--import", "tsx", "server.ts"]
