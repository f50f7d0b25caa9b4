# The robot for a server: compiled TypeScript on Node 24 (LTS), rules beside the code.
# Configuration comes from the environment (see README, "Running in production").
# Debian's Chromium for the decision letter's PDF and the RPA adapter (README, "Running the image").
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs ./scripts/
COPY src ./src
# tsc, then the stylesheet into dist/web/assets: dist/ is the whole program.
RUN npm run build

FROM node:24-bookworm-slim
ENV NODE_ENV=production
# Chromium renders the letters (PDF) and drives the legacy case system (RPA); the letters need
# fonts with the Swedish letters: DejaVu (the default sans) and Liberation (metric-compatible with
# Arial, which the stylesheet names). Debian's package, kept to the distribution's security updates.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation \
 && rm -rf /var/lib/apt/lists/*
ENV CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY rules ./rules
USER node
# `worker` runs the pipeline, `web` the pages and /healthz, /metrics.
ENTRYPOINT ["node", "dist/main.js"]
CMD ["worker"]
