# OatNut production image.
#   docker build -t oatnut .
#   docker run -p 8080:8080 -e JWT_SECRET=... -e MONGODB_URI=mongodb://host:27017/oatnut oatnut
# or, with a MongoDB next to it: cp .env.example .env (set JWT_SECRET), then docker compose up.

# ---- build: every dependency, then the client (Vite) and the server bundle (esbuild) ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
# npm ci's postinstall applies patches/ (fixes to Colyseus's input decoders, see docs/upstream/).
COPY patches patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY shared shared
COPY server server
COPY client client
RUN npm run build

# ---- deps: only what the server bundle imports at run time (the server workspace's dependencies) ----
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
COPY patches patches
RUN npm ci --omit=dev --workspace=server --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM node:24-bookworm-slim AS runtime
# Memory: glibc's allocator kept to two arenas, V8's young generation to 8 MB semi-spaces and its
# old generation grown by at most 30% between mark-compacts (the same runtime as
# `npm run serve`; bench/levers.md has the measurements).
ENV NODE_ENV=production PORT=8080 MALLOC_ARENA_MAX=2
WORKDIR /app
# The bundle inlines the shared workspace's code; npm packages come from node_modules.
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
COPY server/package.json server/
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/client/dist client/dist
# The zones (Tiled maps, tilesets, definitions) are read at start-up from ZONES_DIR.
COPY shared/zones shared/zones
RUN mkdir -p logs data && chown node:node logs data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=8", "--heap-growing-percent=30", "server/dist/main.js"]
