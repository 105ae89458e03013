# One image for every ESM service; each Kubernetes Deployment chooses the
# service with its command, e.g. `node services/admin/dist/main.js`, and
# admin starts tenants with `node services/tenant/dist/main.js`.
#
# docker build -t registry.example/esm:0.1.0 .

# ---- build: install everything, compile, then drop what only building needs
FROM node:20-bookworm-slim AS build
# bcrypt compiles a native addon when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm run build
# Optional dependencies are left out too: the largest is the embedded
# PostgreSQL binary, which only the one-machine launcher uses.
RUN npm prune --omit=dev --omit=optional
# Gather the runtime files: manifests, compiled code, the tenant's web
# client and dependencies, for every workspace that exists, so that a new
# workspace needs no change here.
RUN mkdir -p /out \
 && cp package.json package-lock.json /out/ \
 && cp -a node_modules /out/ \
 && for workspace in packages/* services/*; do \
      mkdir -p "/out/$workspace" \
      && cp "$workspace/package.json" "/out/$workspace/" \
      && for folder in dist bin node_modules web/dist; do \
           if [ -e "$workspace/$folder" ]; then mkdir -p "/out/$workspace/$(dirname "$folder")" && cp -a "$workspace/$folder" "/out/$workspace/$folder"; fi; \
         done; \
    done

# ---- runtime: Node.js, production dependencies and compiled code only
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the service user, so a compromised
# service cannot change the code it runs.
COPY --from=build /out /app
# A numeric user, so that Kubernetes can check runAsNonRoot without /etc/passwd.
USER 10001:10001
EXPOSE 8080
CMD ["node", "services/admin/dist/main.js"]
