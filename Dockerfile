# Build stage: the compiled JavaScript and the workflow bundle (`npm run build`: dist/, with the hash of the
# workflow sources the worker checks at start).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies these fixes to dependencies (see patches/README.md).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Run stage: production dependencies and dist/; the sources stay beside it so the worker can tell a stale bundle.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
COPY --from=build /app/dist ./dist
ENV HOST=0.0.0.0
