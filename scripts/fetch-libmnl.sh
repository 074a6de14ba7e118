#!/bin/sh
# Make build/libmnl/libmnl.a available for the static link.
#
# Debian 13 and later ship libmnl.a in libmnl-dev; Debian 12 ships only the shared library.
# There, download Debian 13's libmnl-dev from the mirror this machine already uses, with
# the suite changed, and extract libmnl.a with dpkg-deb. That archive needs only plain
# socket, memory and stdio calls, so it links against Debian 12's glibc.
set -eu

out=${1:-build}/libmnl
suite=${SRINIT_MNL_SUITE:-trixie}

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for dir in "/usr/lib/$multiarch" /usr/lib; do
    if [ -f "$dir/libmnl.a" ]; then
        mkdir -p "$out"
        ln -sf "$dir/libmnl.a" "$out/libmnl.a"
        exit 0
    fi
done
[ -f "$out/libmnl.a" ] && exit 0

# The first deb822 stanza or one-line entry for the main archive, with the suite replaced.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/etc" "$work/lists/partial" "$work/cache/archives/partial"
uri=""
for sources in /etc/apt/sources.list.d/*.sources; do
    [ -f "$sources" ] || continue
    uri=$(awk '/^URIs:/ { print $2; exit }' "$sources")
    keyring=$(awk '/^Signed-By:/ { print $2; exit }' "$sources")
    [ -n "$uri" ] && break
done
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; exit } }' \
        /etc/apt/sources.list)
    keyring=""
fi
if [ -z "$uri" ]; then
    echo "srinit deps: no apt source found to fetch libmnl-dev ($suite) from;" \
        "install a libmnl-dev that ships libmnl.a" >&2
    exit 1
fi
{
    echo "Types: deb"
    echo "URIs: $uri"
    echo "Suites: $suite"
    echo "Components: main"
    [ -n "${keyring:-}" ] && echo "Signed-By: $keyring"
} >"$work/etc/libmnl.sources"

apt_options="-q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$work/etc
    -o Dir::State::Lists=$work/lists -o Dir::Cache=$work/cache -o Debug::NoLocking=1"
echo "srinit deps: fetching libmnl.a from $uri $suite (libmnl-dev)"
# shellcheck disable=SC2086
apt-get $apt_options update >"$work/update.log" 2>&1 || {
    cat "$work/update.log" >&2
    echo "srinit deps: apt-get update for suite $suite failed;" \
        "set SRINIT_MNL_SUITE to a suite whose libmnl-dev ships libmnl.a" >&2
    exit 1
}
# shellcheck disable=SC2086
(cd "$work" && apt-get $apt_options download libmnl-dev >download.log 2>&1) || {
    cat "$work/download.log" >&2
    echo "srinit deps: apt-get download libmnl-dev ($suite) failed" >&2
    exit 1
}
dpkg-deb -x "$work"/libmnl-dev_*.deb "$work/root"
archive=$(find "$work/root" -name libmnl.a | head -n 1)
if [ -z "$archive" ]; then
    echo "srinit deps: libmnl-dev from $suite has no libmnl.a" >&2
    exit 1
fi
mkdir -p "$out"
cp "$archive" "$out/libmnl.a"
echo "srinit deps: installed $out/libmnl.a"
