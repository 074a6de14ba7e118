#!/bin/bash
# The cost of an init around a child that does nothing, and the init's peak memory:
# srinit --no-routing against tini-static in the same run, with dumb-init and catatonit for
# reference. It runs in a network namespace of its own (unshare --net), where srinit is not
# PID 1 and makes itself a subreaper. tini gets -s to do the same. Needs root.
#
#   bench/init_overhead.sh [RUNS]      (default 1000 runs per init; BUILD or SRINIT pick srinit)
#
# Time: RUNS sequential `INIT -- /bin/true` runs per init, interleaved in ten rounds, so a
# slow moment of the machine hits every init alike. Each round gives a mean per run, and the
# result is the median of the rounds. Memory: VmHWM of the init from /proc while its child
# sleeps.
set -eu

if [[ "${INIT_OVERHEAD_IN_NETNS:-}" != yes ]]; then
    exec unshare --net env INIT_OVERHEAD_IN_NETNS=yes "$0" "$@"
fi

build=${BUILD:-build}
srinit=$(realpath "${SRINIT:-$build/srinit}")
runs=${1:-1000}
rounds=10
per_round=$((runs / rounds))
catatonit=/usr/bin/catatonit
[[ -x "$catatonit" ]] || catatonit=/usr/libexec/podman/catatonit

# Label, then the command that goes before the child. "none" runs the child alone.
INITS=(
    "none|"
    "srinit|$srinit -q --no-routing --"
    "tini-static|/usr/bin/tini-static -s --"
    "dumb-init|/usr/bin/dumb-init --"
    "catatonit|$catatonit --"
)

# Prints the microseconds that COUNT sequential runs of `COMMAND /bin/true` take.
time_runs() {
    local count=$1 i start
    shift
    start=${EPOCHREALTIME/./}
    for ((i = 0; i < count; i++)); do
        "$@" /bin/true 2>/dev/null
    done
    echo $((${EPOCHREALTIME/./} - start))
}

# Prints the median of the numbers on stdin.
median() {
    sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Prints "VmHWM VmRSS" in KiB of `COMMAND sleep 1` while the sleep runs.
peak_memory() {
    local pid children="" tries
    "$@" sleep 1 >/dev/null 2>&1 &
    pid=$!
    for ((tries = 0; tries < 200; tries++)); do
        { read -r children <"/proc/$pid/task/$pid/children"; } 2>/dev/null || true
        [[ -n "$children" ]] && break
        sleep 0.005
    done
    sleep 0.2
    awk '/^VmHWM:/ { hwm = $2 } /^VmRSS:/ { rss = $2 } END { print hwm, rss }' "/proc/$pid/status"
    wait "$pid"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

labels=()
for entry in "${INITS[@]}"; do
    label=${entry%%|*}
    read -r -a command <<<"${entry#*|}"
    if ((${#command[@]} > 0)) && [[ ! -x "${command[0]}" ]]; then
        echo "$label: ${command[0]} is missing, left out"
        continue
    fi
    labels+=("$label")
    : >"$work/$label.command"
    if ((${#command[@]} > 0)); then
        printf '%s\n' "${command[@]}" >"$work/$label.command"
    fi
done

for ((round = 0; round < rounds; round++)); do
    for label in "${labels[@]}"; do
        mapfile -t command <"$work/$label.command"
        echo $(($(time_runs "$per_round" "${command[@]}") / per_round)) >>"$work/$label.times"
    done
done

echo "$((per_round * rounds)) runs of /bin/true per init, $(nproc) cores, $(uname -r)"
printf '%-12s %14s %16s %12s %12s\n' init "us per run" "overhead us" "VmHWM KiB" "VmRSS KiB"
for label in "${labels[@]}"; do
    median <"$work/$label.times" >"$work/$label.median"
    mapfile -t command <"$work/$label.command"
    memory="- -"
    ((${#command[@]} > 0)) && memory=$(peak_memory "${command[@]}")
    read -r hwm rss <<<"$memory"
    printf '%-12s %14s %16s %12s %12s\n' "$label" "$(cat "$work/$label.median")" \
        $(($(cat "$work/$label.median") - $(cat "$work/none.median"))) "$hwm" "$rss"
    echo "$hwm" >"$work/$label.hwm"
done

srinit_time=$(cat "$work/srinit.median")
tini_time=$(cat "$work/tini-static.median")
srinit_hwm=$(cat "$work/srinit.hwm")
tini_hwm=$(cat "$work/tini-static.hwm")
awk -v s="$srinit_time" -v t="$tini_time" 'BEGIN {
    printf "time per run, srinit / tini-static: %.2f (goal <= 1.20)\n", s / t }'
echo "peak memory, srinit - tini-static: $((srinit_hwm - tini_hwm)) KiB (goal <= 1024 KiB)"
