# shellcheck shell=bash
# Sourced by scripts/run-default and scripts/test: everything a fresh
# machine needs, idempotent, seconds when already done.
#   - the Go toolchain on PATH,
#   - a reachable Docker Engine (fail loudly: there is no skipping it),
#   - bin/chaos, a static binary (CGO_ENABLED=0): it is also the network
#     sidecar that cuts links inside a node's network namespace,
#   - for the tests (CHAOS_SETUP_CHROMIUM=1), debootstrap (it makes the
#     ZooKeeper image), chromium and docker-compose from Debian's
#     packages: the report's tests open report.html in
#     chromium, headless; the external-cluster tests start a cluster with
#     docker-compose,
#   - for the tests (CHAOS_SETUP_IMAGES=all), every backend image, built
#     from the Go module proxy and Debian's packages (no registry): ~12 min
#     the first time, seconds after. A run builds only what its plan needs
#     (the default plan: etcd and the sidecar, about 30 s the first time).
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

# Root, or sudo, for what needs root (apt-get, debootstrap); asked for
# only when something is to be installed or the ZooKeeper image built.
SUDO=""
need_root() {
	[ "$(id -u)" = 0 ] && return 0
	command -v sudo >/dev/null 2>&1 || { echo "setup: not root and no sudo: $1 needs root" >&2; exit 255; }
	SUDO="sudo -E"
}

# The test command also needs debootstrap (the ZooKeeper image is made
# with it), Chromium (the report's tests open it headless) and
# docker-compose (the external-cluster tests start a cluster with it,
# outside the harness, as a user would). A run of the default plan needs
# none of them; `chaos run --target zookeeper` on a machine without the
# ZooKeeper image says to install debootstrap.
if [ "${CHAOS_SETUP_CHROMIUM:-}" = 1 ]; then
	missing=""
	command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing="$missing debootstrap"
	command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
	command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
	if [ -n "$missing" ]; then
		need_root "installing$missing"
		echo "setup: installing$missing from Debian's packages (for the tests)" >&2
		$SUDO apt-get update -qq >&2
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
	fi
fi

# CHAOS_BUILD_TAGS=nokube (scripts/run-default) leaves client-go out: the
# first build takes half the time (about 1 min instead of 2 on 2 cores);
# such a binary refuses only recipe lease-observed, saying how to get it.
echo "setup: building bin/chaos (static${CHAOS_BUILD_TAGS:+, -tags $CHAOS_BUILD_TAGS})" >&2
CGO_ENABLED=0 go build -trimpath -tags "${CHAOS_BUILD_TAGS:-}" -o bin/chaos ./cmd/chaos
# The test command builds every backend image (its tests use them all);
# a run builds only the images its plan needs, when it starts.
if [ "${CHAOS_SETUP_IMAGES:-}" = all ]; then
	need_root "building the ZooKeeper image (debootstrap)"
	echo "setup: backend images (built once, then reused)" >&2
	$SUDO bin/chaos images build
fi
