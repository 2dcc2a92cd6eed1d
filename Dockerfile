# The workshop hub's image, which deploy/kubernetes/'s Deployment runs (npm run workshop:k8s -- --hub-image
# IMAGE): the hub in inventory mode, serving labs that run elsewhere (README, "Past one machine").
#   docker build -t registry.example/replication-lab:1 .
# BASE_IMAGE is the official Node 20 image; the tests build from a stand-in (scripts/docker/base-images.ts), as no
# image registry is reachable where they run.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}

WORKDIR /app
# The dependencies first, in a layer of their own that a change to the code doesn't rebuild. No devDependencies:
# the site's build and the hub need none (the lessons' plugin imports mdast's types only).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# The site, built now so that the hub finds it up to date at start (server/build-site.ts compares it with its
# sources); then the PostgreSQL binaries' library links, which npm 11 leaves out (its install scripts don't run)
# and which the hub, not being root at run time, could not make itself.
RUN npm run build \
 && node --import tsx --eval 'await (await import("./server/lab/embedded/binaries.ts")).findBinaries()'

# The hub runs as a user of its own, not root: the inventory driver starts no servers as other OS users (the local
# driver's isolation is what needs root), and the hub's own PostgreSQL then runs as this user too
# (server/workshop/store/database.ts). Its state (the hub's database and secrets) lives on the Deployment's
# volume at LAB_WORKSHOP_DIR; the folder is made here, the user's, for a run without one.
RUN groupadd --system --gid 10001 rlab \
 && useradd --system --uid 10001 --gid rlab --home-dir /var/lib/replication-lab --no-create-home \
      --shell /usr/sbin/nologin rlab \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/replication-lab
ENV LAB_WORKSHOP_DIR=/var/lib/replication-lab
USER 10001:10001
EXPOSE 4321

# node itself, not npm run: as PID 1 it gets the SIGTERM Kubernetes sends and stops the hub's database cleanly.
ENTRYPOINT ["node", "--import", "tsx", "server/workshop/main.ts"]
# The Deployment gives its own arguments (its --public-host above all); these are for a docker run without any.
CMD ["--listen", "0.0.0.0:4321", "--driver", "inventory", "--inventory", "/etc/replication-lab/inventory.yaml"]
