# Sinew: API + worker + scheduler (`sinew serve`, the default command), or one role per container
# in production mode: `sinew api`, `sinew worker [--concurrency N]`, `sinew scheduler`, after
# `sinew migrate` (see docker-compose.yml). /ready is the health check of an API container.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 builds from source; Python runs Singer taps written in Python.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
ENV HOST=0.0.0.0 PORT=8080 SINEW_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8080 9464
# A process without the API (`sinew worker`, `sinew scheduler`) answers /ready on SINEW_METRICS_PORT.
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.SINEW_METRICS_PORT||process.env.PORT)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/sinew.js"]
CMD ["serve"]
