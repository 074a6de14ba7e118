#!/bin/bash
# The speed at which srinit follows a network change, and its cost while nothing changes:
#  - latency: time from an address appearing to srinit's `from` rule for it, over TRIALS
#    additions (median and p99). Both times come from one `ip -ts monitor` in the app
#    namespace, so they share a clock and the monitor's own delay mostly cancels out;
#  - idle: srinit's CPU time (utime + stime from /proc/PID/stat) and voluntary context
#    switches (/proc/PID/status) over IDLE seconds without any change.
# Runs in network namespaces of its own; needs root.
#
#   bench/watch_latency.sh [TRIALS] [IDLE]     (defaults 100 and 60; BUILD, SRINIT)
set -eu

build=${BUILD:-build}
srinit=$(realpath "${SRINIT:-$build/srinit}")
trials=${1:-100}
idle=${2:-60}
app=srinit-bench-watch-$$
peer=srinit-bench-watch-peer-$$
work=$(mktemp -d)
pids=()

cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    ip netns del "$app" 2>/dev/null || true
    ip netns del "$peer" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Prints the address of trial I: 198.18.2.3 onwards (198.18.2.2 is eth1's own).
trial_address() {
    echo "198.18.$((2 + ($1 + 1) / 250)).$((2 + ($1 + 1) % 250))"
}

# Prints the time of the first monitor line matching PATTERN (grep -E) in nanoseconds.
event_time() {
    local stamp
    stamp=$(grep -E -m1 -- "$1" "$work/monitor" | sed -n 's/^\[\([^]]*\)\].*/\1/p')
    [[ -n "$stamp" ]] || return 1
    date -d "$stamp" +%s%N
}

# Prints "utime+stime voluntary_ctxt_switches" of PID.
process_cost() {
    local stat
    stat=$(sed 's/^.*) //' "/proc/$1/stat")
    echo "$(($(cut -d' ' -f12 <<<"$stat") + $(cut -d' ' -f13 <<<"$stat")))" \
        "$(awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$1/status")"
}

ip netns add "$app"
ip netns add "$peer"
ip -n "$app" link set lo up
for i in 0 1; do
    ip -n "$app" link add "eth$i" type veth peer name "peer$i" netns "$peer"
    ip -n "$app" link set "eth$i" up
    ip -n "$peer" link set "peer$i" up
done
ip -n "$app" addr add 198.18.1.2/24 dev eth0
ip -n "$app" addr add 198.18.2.2/24 dev eth1
ip -n "$app" route add default via 198.18.1.1

ip netns exec "$app" "$srinit" -- /bin/sleep 100000 >"$work/srinit.log" 2>&1 </dev/null &
pids+=($!)
srinit_pid=$!
sleep 1
# `ip netns exec` execs its command, so the pid is srinit's own, which the idle figures need.
if [[ "$(readlink "/proc/$srinit_pid/exe")" != "$srinit" ]]; then
    echo "watch_latency: pid $srinit_pid is not $srinit; srinit output:" >&2
    cat "$work/srinit.log" >&2
    exit 1
fi
ip -n "$app" -ts monitor address rule >"$work/monitor" 2>&1 </dev/null &
pids+=($!)
sleep 0.2

for ((i = 0; i < trials; i++)); do
    address=$(trial_address $i)
    ip -n "$app" addr add "$address/24" dev eth1
    sleep 0.1
done

latencies=()
missing=0
for ((i = 0; i < trials; i++)); do
    pattern=$(sed 's/\./\\./g' <<<"$(trial_address $i)")
    if added=$(event_time "^\[[^]]*\] [0-9]+: eth1 +inet $pattern/") &&
        ruled=$(event_time "^\[[^]]*\] [0-9]+:[[:space:]]+from $pattern lookup"); then
        latencies+=($(((ruled - added) / 1000)))
    else
        missing=$((missing + 1))
    fi
done

printf '%s\n' "${latencies[@]}" | sort -n >"$work/latencies"
count=$(wc -l <"$work/latencies")
median=$(sed -n "$(((count + 1) / 2))p" "$work/latencies")
p99=$(sed -n "$(((count * 99 + 99) / 100))p" "$work/latencies")
maximum=$(tail -n1 "$work/latencies")

# Guessed gateway checks run 5 to 10 s after a probe; let them pass before measuring idle.
sleep 11
before=$(process_cost "$srinit_pid")
sleep "$idle"
after=$(process_cost "$srinit_pid")
ticks=$(($(cut -d' ' -f1 <<<"$after") - $(cut -d' ' -f1 <<<"$before")))
switches=$(($(cut -d' ' -f2 <<<"$after") - $(cut -d' ' -f2 <<<"$before")))

echo "| measure | result |"
echo "| --- | --- |"
echo "| address to rule, median over $count trials | $((median / 1000)).$(printf '%03d' $((median % 1000))) ms |"
echo "| address to rule, p99 | $((p99 / 1000)).$(printf '%03d' $((p99 % 1000))) ms |"
echo "| address to rule, max | $((maximum / 1000)).$(printf '%03d' $((maximum % 1000))) ms |"
[[ $missing -eq 0 ]] || echo "| trials without a rule seen | $missing |"
echo "| CPU time over ${idle} s idle | $ticks ticks of $(getconf CLK_TCK) Hz |"
echo "| voluntary context switches over ${idle} s idle | $switches |"
