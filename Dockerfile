# syntax=docker/dockerfile:1
# Stafett's image: built here from the locked sources, run as a non-root user.
# Not built in CI (no image registry is reachable from the build machines);
# deploy/stafett.service is what CI checks. See README, "Deploying".
#
#   docker build -t stafett:local .
#   docker compose up          # compose.yaml: PostgreSQL 16, Redis 7, two instances

# The toolchain of rust-toolchain.toml, so rustup has nothing to fetch.
FROM rust:1.95.0-slim-bookworm AS build
WORKDIR /src
COPY . .
# The registry and target caches keep rebuilds incremental (BuildKit).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin stafett \
    && install -m 0755 target/release/stafett /usr/local/bin/stafett

FROM debian:bookworm-slim
# CA roots: the identity providers' JWKS are fetched over TLS.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin stafett
COPY --from=build /usr/local/bin/stafett /usr/local/bin/stafett
USER stafett:stafett
# In a container the listeners face the container's network, not loopback;
# publish only 8080. Metrics stay on the internal network.
ENV STAFETT_ADDR=0.0.0.0:8080 \
    STAFETT_METRICS_ADDR=0.0.0.0:9100 \
    STAFETT_LOG_FORMAT=json
EXPOSE 8080 9100
# SIGTERM drains requests and closes websockets with 1001 (README, Operations).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/stafett"]
CMD ["serve"]
