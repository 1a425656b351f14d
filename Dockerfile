# syntax=docker/dockerfile:1
#
# One image for the two processes of a real deployment (docker-compose.yml):
#   API     node dist/api/server.js   (the default command)
#   worker  node dist/worker.js
# Configuration comes from the environment only (config.ts, .env.example).
#
# Stages: deps (every package, for the compiler) → build (tsc to dist/, plus the
# non-TypeScript files the code reads at run time) → prod-deps (runtime packages only)
# → runtime (non-root, DATA_DIR on a volume).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# tsc emits JavaScript and the JSON it imports (domain/data/catalog.json), but not the
# files read from disk at run time: db/client.ts migrates from `__dirname/migrations`
# (the SQL and meta/_journal.json), and the sandbox payer reads the fee-schedule CSV
# from domain/data.
RUN npm run build \
 && mkdir -p dist/db/migrations dist/domain/data \
 && cp -R db/migrations/. dist/db/migrations/ \
 && cp -R domain/data/. dist/domain/data/ \
 && test -f dist/worker.js \
 && test -f dist/api/server.js \
 && test -f dist/scripts/migrate.js \
 && test -f dist/workflows/index.js \
 && test -f dist/db/migrations/meta/_journal.json

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# Runtime packages only. The worker bundles the workflow code with webpack when it starts
# (from dist/workflows/*.js); webpack and swc come with @temporalio/worker.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY docker/worker-healthcheck.js ./docker/worker-healthcheck.js
# DATA_DIR: the file-drop clearinghouse's outbox/inbox (CLEARINGHOUSE=file-drop); PGlite
# would live here too, but a deployment sets DATABASE_URL.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Both processes stop gracefully on SIGTERM (the API closes its server and pool; the
# worker lets running activities finish); compose runs them under an init (`init: true`).
CMD ["node", "dist/api/server.js"]
