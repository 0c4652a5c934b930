FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall applies these fixes to dependencies (see patches/README.md).
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV HOST=0.0.0.0
