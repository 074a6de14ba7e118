#!/bin/bash
# Runs every srinit benchmark and prints one block per benchmark. Needs root: each
# benchmark makes network namespaces of its own and deletes them when it ends.
#
#   make bench                 (or BUILD=dir bench/run.sh)
set -u

build=${BUILD:-build}
export BUILD=$build
cd "$(dirname "$0")/.." || exit 1

echo "== machine"
echo "$(uname -r), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
echo

echo "== binary size (bytes)"
printf '%-28s %s\n' "$build/srinit" "$(stat -c %s "$build/srinit")"
for other in /usr/bin/tini-static /usr/bin/tini /usr/bin/dumb-init /usr/bin/catatonit; do
    [ -e "$other" ] && printf '%-28s %s\n' "$other" "$(stat -c %s "$other")"
done
file -b "$build/srinit" | cut -d, -f1-5
echo

status=0
for bench in start_time init_overhead watch_latency; do
    script=bench/$bench.sh
    [ -x "$script" ] || { echo "== $bench: skipped ($script is missing)"; echo; continue; }
    echo "== $bench"
    "$script" || { echo "$bench failed with status $?"; status=1; }
    echo
done
exit "$status"
