#!/bin/bash
# Time from an init's start to its child's exec, with 1, 16 and 64 interfaces to route:
# srinit against a shell entrypoint that installs the same rules and routes with ip(8),
# one command each, then execs. Runs in network namespaces of its own; needs root.
#
#   bench/start_time.sh [TRIALS]      (BUILD and SRINIT choose the binaries)
set -eu

build=${BUILD:-build}
srinit=$(realpath "${SRINIT:-$build/srinit}")
stamp=$(realpath "$build/exec_stamp")
start_stamp=$(realpath "$build/start_stamp")
trials=${1:-50}
suffix=$$
app=srinit-bench-app-$suffix
peer=srinit-bench-peer-$suffix
work=$(mktemp -d)

cleanup() {
    ip netns del "$app" 2>/dev/null || true
    ip netns del "$peer" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Gives the app namespace COUNT interfaces, each with an IPv4 and an IPv6 address whose
# first host is the guessed gateway, and the peer ends up in the peer namespace.
make_interfaces() {
    local count=$1 i
    ip netns add "$app"
    ip netns add "$peer"
    ip -n "$app" link set lo up
    for ((i = 0; i < count; i++)); do
        ip -n "$app" link add "eth$i" type veth peer name "peer$i" netns "$peer"
        ip -n "$app" addr add "198.18.$i.2/24" dev "eth$i"
        ip -n "$app" addr add "fd00:$i::2/64" dev "eth$i" nodad
        ip -n "$app" link set "eth$i" up
        ip -n "$peer" link set "peer$i" up
    done
    ip -n "$app" route add default via 198.18.0.1
}

# Runs inside the app namespace: TRIALS runs of one entrypoint, each from a clean state,
# printing the microseconds from start to the child's exec, one per line. The entrypoint
# runs under start_stamp, which takes the start time just before it executes the
# entrypoint, so the shell's fork is not counted.
cat >"$work/trials.sh" <<'INNER'
set -eu
trials=$1 undo=$2
shift 2
for ((trial = 0; trial < trials; trial++)); do
    ip -6 -batch "$undo.6" 2>/dev/null || true
    ip -4 -batch "$undo.4" 2>/dev/null || true
    exec_time=$("$@" 3>start)
    echo $((exec_time - $(cat start)))
done
INNER

# Prints the median and the 90th percentile of the numbers on stdin, in milliseconds.
summarize() {
    sort -n | awk '{ v[NR] = $1 } END {
        printf "%.2f %.2f\n", v[int((NR + 1) / 2)] / 1000, v[int(NR * 0.9 + 0.5)] / 1000 }'
}

# The floor of both columns: start_stamp executing the application directly.
make_interfaces 1
ip netns exec "$app" bash -c "cd $work && bash trials.sh $trials /dev/null \
    $start_stamp $stamp" | summarize >"$work/baseline.txt"
read -r baseline_median baseline_p90 <"$work/baseline.txt"
echo "exec of the application alone: median $baseline_median ms, p90 $baseline_p90 ms"
ip netns del "$app"
ip netns del "$peer"

printf '%-11s %-22s %-22s %s\n' interfaces "srinit median/p90 ms" "ip(8) script median/p90 ms" ratio
for count in ${COUNTS:-1 16 64}; do
    make_interfaces "$count"
    ip netns exec "$app" "$srinit" -q --dry-run -- true >"$work/commands"
    # ip -batch takes no -4 or -6 on its lines, so the undo list is split per family.
    for family in 4 6; do
        sed -n -e "s/^ip -$family //p" "$work/commands" | sed -e 's/ add / del /' |
            tac >"$work/undo.$family"
    done
    {
        echo '#!/bin/sh'
        echo 'set -e'
        cat "$work/commands"
        echo 'exec "$@"'
    } >"$work/entrypoint.sh"

    ip netns exec "$app" bash -c "cd $work && bash trials.sh $trials undo \
        $start_stamp $srinit -q -- $stamp" | summarize >"$work/srinit.txt"
    ip netns exec "$app" bash -c "cd $work && bash trials.sh $trials undo \
        $start_stamp /bin/sh entrypoint.sh $stamp" | summarize >"$work/script.txt"

    read -r srinit_median srinit_p90 <"$work/srinit.txt"
    read -r script_median script_p90 <"$work/script.txt"
    printf '%-11s %-22s %-22s %s\n' "$count" "$srinit_median / $srinit_p90" \
        "$script_median / $script_p90" \
        "$(awk -v a="$script_median" -v b="$srinit_median" 'BEGIN { printf "%.0fx", a / b }')"
    echo "  ($(wc -l <"$work/commands") ip commands)"
    ip netns del "$app"
    ip netns del "$peer"
done
