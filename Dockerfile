# The robot for a server: compiled TypeScript on Node 20, rules beside the code.
# Configuration comes from the environment (see README, "Running in production").
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY src/web/assets ./dist/web/assets
COPY rules ./rules
USER node
# `worker` runs the pipeline, `web` the pages and /healthz, /metrics.
ENTRYPOINT ["node", "dist/main.js"]
CMD ["worker"]
