#!/usr/bin/env bash
# Runs Jaeger all-in-one (in-memory storage, for a workstation or a trial)
# with its OTLP/gRPC receiver on 127.0.0.1:4317, where otel-collector.yaml
# sends traces, and the UI on http://127.0.0.1:16686. Needs Docker or Podman
# (Jaeger is not packaged in Debian 12). Production: see README.md.
set -euo pipefail
runtime=$(command -v podman || command -v docker) || {
  echo "need podman or docker" >&2; exit 1; }
exec "$runtime" run --rm --name hpedu-jaeger \
  -e COLLECTOR_OTLP_ENABLED=true \
  -p 127.0.0.1:4317:4317 -p 127.0.0.1:16686:16686 \
  docker.io/jaegertracing/all-in-one:1.57
