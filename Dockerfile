# syntax=docker/dockerfile:1
# kubetrail: the scheduled job (`kubetrail run`) in a small non-root image that writes only to /data.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh scripts/build.sh
COPY src src
COPY queries queries
RUN bash scripts/build.sh && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
COPY jobs jobs
# The database, its staging directory and reports live on the data volume; nothing else is written.
RUN mkdir -p /data && chown node:node /data
# `docker run -v kubetrail-data:/data kubetrail demo` puts the demo's data, database and reports here.
ENV KUBETRAIL_DEMO_DIR=/data/demo
USER node
VOLUME ["/data"]
WORKDIR /data
ENTRYPOINT ["node", "/app/bin/kubetrail.js"]
CMD ["run", "--config", "/etc/kubetrail/job.yaml"]
