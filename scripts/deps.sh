#!/bin/sh
# Install what building and testing srinit needs on Debian or Ubuntu, as root, with apt.
# The static libmnl that Debian 12 lacks is fetched into build/ by fetch-libmnl.sh.
set -eu

packages="g++ make pkg-config libmnl-dev libspdlog-dev libfmt-dev libcli11-dev doctest-dev
iproute2 iptables busybox-static util-linux procps file libcap2-bin"

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
