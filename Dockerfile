# Probity container image: docker build -t probity . (see README, "Deploy").
# The runtime is the official Node.js LTS slim image; the app runs as the image's unprivileged "node" user.
ARG NODE_IMAGE=node:24-slim

# ── Stage 1: the full toolchain checks the sources (typecheck, with the dev dependencies) ──────────
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck

# ── Stage 2: the runtime, production dependencies only ─────────────────────────────────────────────
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 compiles from source when no prebuilt binary can be fetched; the compiler is removed
# in the same layer, so it never ships. tsx is a production dependency: it runs the TypeScript.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && apt-get purge -y --auto-remove python3 make g++ \
 && rm -rf /var/lib/apt/lists/* /root/.cache /tmp/*
# The sources that passed stage 1's typecheck.
COPY --from=build /app/src ./src
COPY --from=build /app/adapters ./adapters
COPY --from=build /app/migrations ./migrations
COPY --from=build /app/content ./content
COPY --from=build /app/schedules.yaml /app/LICENSE ./
RUN mkdir -p /app/data /app/exports && chown node:node /app/data /app/exports
USER node

# SQLite lives on the volume; with PostgreSQL (compose.yaml) DATABASE_URL points there instead.
ENV DATABASE_URL=sqlite:/app/data/probity.sqlite \
    PROBITY_HTTP_PORT=8080
VOLUME ["/app/data"]
# 8080: /healthz, /readyz, /metrics. 3000: the Slack HTTP receiver (not used in Socket Mode).
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PROBITY_HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1, without npm in between: SIGTERM reaches Probity itself, which finishes the
# message in flight, returns its other claimed deliveries to the outbox and closes the database.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main.ts"]
