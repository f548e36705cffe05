# shellcheck shell=bash
# Sourced by scripts/run-default and scripts/test: everything a fresh
# machine needs, idempotent, seconds when already done.
#   - the Go toolchain on PATH,
#   - a reachable Docker Engine (fail loudly: there is no skipping it),
#   - bin/chaos, a static binary (CGO_ENABLED=0): it is also the network
#     sidecar that cuts links inside a node's network namespace,
#   - the backend images, built from the Go module proxy (no registry).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="$PATH:/usr/local/go/bin"
fi
command -v go >/dev/null 2>&1 || { echo "setup: no Go toolchain on PATH (want Go >= 1.26)" >&2; exit 255; }

if ! docker info >/dev/null 2>&1; then
	echo "setup: the Docker Engine is not reachable (DOCKER_HOST=${DOCKER_HOST:-unix:///var/run/docker.sock}); start it and retry" >&2
	exit 255
fi

echo "setup: building bin/chaos (static)" >&2
CGO_ENABLED=0 go build -trimpath -o bin/chaos ./cmd/chaos
echo "setup: backend images (built once, then reused)" >&2
bin/chaos images build
