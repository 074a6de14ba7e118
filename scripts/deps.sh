#!/bin/sh
# Install what building and testing srinit needs on Debian or Ubuntu, as root, with apt.
# The static libmnl that Debian 12 lacks is fetched into build/ by fetch-libmnl.sh.
# test_packages are for the tests: the kernel tests fetch with curl and serve
# with busybox, the conformance tests drive a pty with python3 and compare srinit with
# tini, dumb-init and catatonit. docker.io and docker-compose, which only
# `make test-docker` needs, are left to .ci/run.
set -eu

packages="g++ make pkg-config libmnl-dev libspdlog-dev libfmt-dev libcli11-dev doctest-dev file"
test_packages="iproute2 iptables busybox-static util-linux procps libcap2-bin curl python3 perl
tini dumb-init catatonit"
# SRINIT_DEPS=build installs only what building needs, as in Dockerfile.example.
if [ "${SRINIT_DEPS:-all}" != build ]; then
    packages="$packages $test_packages"
fi

missing=""
for package in $packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' ||
        missing="$missing $package"
done

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "srinit deps: missing packages:$missing; run 'make deps' as root" >&2
        exit 1
    fi
    echo "srinit deps: installing$missing"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

"$(dirname "$0")/fetch-libmnl.sh" "${1:-build}"
