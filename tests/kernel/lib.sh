# Helpers for srinit's kernel tests. Each test script sources this file, builds its
# topology in network namespaces of its own, and prints one protocol line per test:
# "PASS: <name>", "FAIL: <name> (<why>)" or "SKIP: <name> (<reason>)".
#
# Safety: every namespace carries a per-run suffix and is deleted on exit (also on failure
# and Ctrl-C), background processes are killed by pid, every `ip` call names its namespace,
# and addresses are limited to 198.18.0.0/15 and fd00::/8.
#
# Environment: SRINIT (the binary; default ${BUILD:-build}/srinit), BUILD.

set -u

KT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KT_BUILD=${BUILD:-build}
[[ "$KT_BUILD" = /* ]] || KT_BUILD=$KT_ROOT/$KT_BUILD
SRINIT=${SRINIT:-$KT_BUILD/srinit}
[[ "$SRINIT" = /* ]] || SRINIT=$PWD/$SRINIT

KT_SUFFIX=$(printf '%s-%04x' "$$" "$RANDOM")
FETCH_SUFFIX=-$KT_SUFFIX
KT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/srinit-kt.XXXXXX")
KT_NAMESPACES=()
KT_ROUTERS=()
KT_PIDS=()
KT_FAILED=0
KT_DUMP_NS=""       # the namespace whose rules and routes a failing check prints
FETCH_TIMEOUT=2  # seconds: the failing half of a scenario waits this long per fetch
SRINIT_PREFIX=()    # a command put before srinit, such as setpriv to drop a capability
SRINIT_PID=""       # the `unshare` process of the srinit started last
SRINIT_LOG=""       # its stdout and stderr
kt_srinit_runs=0

# ---- cleanup ----

# Kills the background processes and deletes the namespaces made so far, so that a script
# can build a second topology.
topology_reset() {
    local pid ns
    for pid in "${KT_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null
    done
    for pid in "${KT_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    for ns in "${KT_NAMESPACES[@]}"; do
        ip netns delete "$ns" 2>/dev/null
    done
    KT_PIDS=()
    KT_NAMESPACES=()
    KT_ROUTERS=()
    KT_DUMP_NS=""
}

kt_cleanup() {
    trap - EXIT INT TERM
    topology_reset
    rm -rf "$KT_TMP"
}

trap kt_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- test protocol ----

pass() {
    echo "PASS: $1"
}

# Prints the FAIL line, then the app namespace's rules and routes and srinit's last log.
fail() {
    echo "FAIL: $1 ($2)"
    KT_FAILED=1
    [[ -n "$KT_DUMP_NS" ]] || return 0
    {
        echo "ip rule:"
        ip -n "$KT_DUMP_NS" -4 rule show
        echo "ip -6 rule:"
        ip -n "$KT_DUMP_NS" -6 rule show
        echo "ip -4 route show table all:"
        ip -n "$KT_DUMP_NS" -4 route show table all | grep -v ' table local '
        echo "ip -6 route show table all:"
        ip -n "$KT_DUMP_NS" -6 route show table all | grep -v ' table local '
        if [[ -n "$SRINIT_LOG" && -s "$SRINIT_LOG" ]]; then
            echo "srinit output:"
            cat "$SRINIT_LOG"
        fi
    } 2>&1 | sed 's/^/    /'
}

skip() {
    echo "SKIP: $1 ($2)"
}

# Ends a test script: exit status 1 when any check failed.
finish() {
    exit "$KT_FAILED"
}

# ---- namespaces and links ----

# Creates namespace "srkt-ROLE-SUFFIX" and stores its name in the variable ROLE.
ns_add() {
    local name="srkt-$1-$KT_SUFFIX"
    ip netns add "$name" || exit 1
    KT_NAMESPACES+=("$name")
    ip -n "$name" link set lo up
    printf -v "$1" '%s' "$name"
}

# Creates a namespace that forwards with strict reverse path filtering, as RHEL and Fedora
# hosts do: rp_filter=1 for IPv4, and for IPv6 (which has no such sysctl) the rpfilter
# match that firewalld uses. Call rp_filter_apply after adding its interfaces.
router_add() {
    ns_add "$1"
    local ns=${!1}
    KT_ROUTERS+=("$ns")
    ns_sysctl "$ns" net.ipv4.ip_forward=1
    ns_sysctl "$ns" net.ipv6.conf.all.forwarding=1
    ns_sysctl "$ns" net.ipv4.conf.all.rp_filter=1
    ns_sysctl "$ns" net.ipv4.conf.default.rp_filter=1
    ip netns exec "$ns" ip6tables -w -t raw -A PREROUTING -m rpfilter --invert -j DROP
}

# Sets rp_filter=1 on every interface of every router namespace.
rp_filter_apply() {
    local ns dev
    for ns in "${KT_ROUTERS[@]}"; do
        for dev in $(ip -n "$ns" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
            ns_sysctl "$ns" "net.ipv4.conf.$dev.rp_filter=1"
        done
    done
}

# Creates bridge BRIDGE in NS, up.
bridge_add() {
    ip -n "$1" link add "$2" type bridge || exit 1
    ip -n "$1" link set "$2" up
}

# Enslaves IF to BRIDGE in NS.
bridge_attach() {
    ip -n "$1" link set "$3" master "$2" || exit 1
}

# Creates macvlan NAME (bridge mode) on PARENT in NS, moves it into TARGET_NS, up.
macvlan_add() {
    ip -n "$1" link add "$3" link "$2" type macvlan mode bridge || exit 1
    ip -n "$1" link set "$3" netns "$4" || exit 1
    ip -n "$4" link set "$3" up
}

# Runs `ip -n NS [-4|-6] route add ARGS...`: route_add NS [-4|-6] ARGS...
route_add() {
    local ns=$1 family=()
    shift
    if [[ "$1" == -4 || "$1" == -6 ]]; then
        family=("$1")
        shift
    fi
    ip -n "$ns" "${family[@]}" route add "$@" || exit 1
}

# Publishes PORT on ADDRESS of router NS to TARGET:TARGET_PORT (DNAT), like a runtime's
# published port. IPv6 targets are written as [ADDRESS].
port_publish() {
    local ns=$1 address=$2 port=$3 target=$4 tool=iptables
    [[ "$address" != *:* ]] || tool=ip6tables
    ip netns exec "$ns" "$tool" -w -t nat -A PREROUTING -d "$address" -p tcp --dport "$port" \
        -j DNAT --to-destination "$target" || exit 1
}

# ---- servers and clients ----

KT_WWW=$KT_TMP/www
mkdir -p "$KT_WWW"
echo "srinit kernel test page" >"$KT_WWW/index.html"
KT_PAGE="srinit kernel test page"
FETCH_PAGE=$KT_PAGE

# Starts an HTTP server on PORT (all addresses, both families) in NS, in the background.
server_start() {
    ip netns exec "$1" /bin/busybox httpd -f -p "$2" -h "$KT_WWW" >/dev/null 2>&1 </dev/null &
    KT_PIDS+=($!)
    server_wait "$1" "$2"
}

# Waits until something listens on TCP PORT in NS (at most 2 seconds).
server_wait() {
    local i
    for i in $(seq 40); do
        ip netns exec "$1" ss -Htln "sport = :$2" | grep -q . && return 0
        sleep 0.05
    done
    echo "server_wait: nothing listens on port $2 in $1" >&2
    return 1
}

# Stops a background process started by this script, by pid.
pid_stop() {
    kill -TERM "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    return 0
}




# ---- srinit ----

# Starts srinit as PID 1 of a new PID namespace in NS, in the background:
#   srinit_start NS [OPTION...] -- COMMAND...
# Sets SRINIT_PID (the unshare process, whose exit status is srinit's) and SRINIT_LOG.
srinit_start() {
    local ns=$1
    shift
    SRINIT_LOG=$KT_TMP/srinit.$((++kt_srinit_runs)).log
    ip netns exec "$ns" unshare --fork --pid --mount-proc --kill-child \
        ${SRINIT_PREFIX[@]+"${SRINIT_PREFIX[@]}"} "$SRINIT" "$@" >"$SRINIT_LOG" 2>&1 </dev/null &
    SRINIT_PID=$!
    KT_PIDS+=("$SRINIT_PID")
}

# Sends SIGTERM to the srinit started last, which forwards it to its child. Waits at most
# 3 seconds for srinit to exit and returns its exit status.
srinit_stop() {
    local srinit_host_pid
    srinit_host_pid=$(pgrep -P "$SRINIT_PID")
    [[ -z "$srinit_host_pid" ]] || kill -TERM "$srinit_host_pid" 2>/dev/null
    srinit_wait 3
}

# Waits at most SECONDS for the srinit started last to exit and returns its exit status.
# Returns 124 after killing it when it did not exit in time.
srinit_wait() {
    local deadline=$((SECONDS + $1))
    while kill -0 "$SRINIT_PID" 2>/dev/null && ((SECONDS <= deadline)); do
        sleep 0.05
    done
    if kill -0 "$SRINIT_PID" 2>/dev/null; then
        kill -KILL "$SRINIT_PID" 2>/dev/null
        wait "$SRINIT_PID" 2>/dev/null
        return 124
    fi
    wait "$SRINIT_PID"
}

# Waits at most 3 seconds until NS has a rule matching PATTERN (grep -E) in FAMILY (-4 or
# -6); by default srinit's main-first rule. Returns 1 on timeout.
rules_wait() {
    local ns=$1 family=${2:--4} pattern=${3:-'^1000:.*lookup main suppress_prefixlength 0 proto 83'}
    local i
    for i in $(seq 60); do
        ip -n "$ns" "$family" rule show | grep -Eq "$pattern" && return 0
        kill -0 "$SRINIT_PID" 2>/dev/null || break
        sleep 0.05
    done
    ip -n "$ns" "$family" rule show | grep -Eq "$pattern"
}

# Deletes every rule and route srinit owns (protocol 83) in NS, so the next run starts clean.
srinit_objects_flush() {
    ip -n "$1" -4 rule flush protocol 83
    ip -n "$1" -6 rule flush protocol 83
    ip -n "$1" -4 route flush table all proto 83
    ip -n "$1" -6 route flush table all proto 83
}

# Prints IF's table id in NS under the default table base: 1000 + ifindex.
table_of() {
    local ifindex
    ifindex=$(ip -n "$1" -o link show dev "$2" | cut -d: -f1)
    echo $((1000 + ifindex))
}

# Prints the rules and every non-local route of NS, both families: a comparable snapshot.
routing_snapshot() {
    ip -n "$1" -4 rule show
    ip -n "$1" -6 rule show
    ip -n "$1" -4 route show table all | grep -v ' table local '
    ip -n "$1" -6 route show table all | grep -v ' table local '
}

# PASS when the output of COMMAND... contains a line matching PATTERN (grep -E).
check_line() {
    local name=$1 pattern=$2 output
    shift 2
    output=$("$@" 2>&1)
    if grep -Eq -- "$pattern" <<<"$output"; then
        pass "$name"
    else
        fail "$name" "no line matches /$pattern/ in \`${*}\`"
    fi
}

# PASS when no line of the output of COMMAND... matches PATTERN (grep -E).
check_no_line() {
    local name=$1 pattern=$2 output
    shift 2
    output=$("$@" 2>&1)
    if grep -Eq -- "$pattern" <<<"$output"; then
        fail "$name" "unexpected line $(grep -E -m1 -- "$pattern" <<<"$output" | tr -s '\t ' ' ') in \`${*}\`"
    else
        pass "$name"
    fi
}

# PASS when `ip rule` of the namespace in $app lists no rule twice, in either family.
check_no_duplicate_rules() {
    local duplicates
    duplicates=$( (ip -n "$app" -4 rule show | sort | uniq -d; ip -n "$app" -6 rule show | sort | uniq -d))
    if [[ -z "$duplicates" ]]; then
        pass "$1"
    else
        fail "$1" "rules listed twice: $(tr -s '\n\t' '  ' <<<"$duplicates")"
    fi
}

# PASS when STATUS equals EXPECTED: check_status NAME EXPECTED STATUS.
check_status() {
    if [[ "$3" == "$2" ]]; then
        pass "$1"
    else
        fail "$1" "exit status $3, expected $2"
    fi
}

# PASS when the two texts are equal, otherwise FAIL with a diff: check_same NAME OLD NEW.
check_same() {
    if [[ "$2" == "$3" ]]; then
        pass "$1"
    else
        fail "$1" "changed: $(diff <(echo "$2") <(echo "$3") | grep '^[<>]' | head -n 8 | tr '\n' ' ')"
    fi
}

# Prints an http URL for ADDRESS and PORT, with IPv6 addresses in brackets.
url_of() {
    if [[ "$1" == *:* ]]; then
        echo "http://[$1]:$2/"
    else
        echo "http://$1:$2/"
    fi
}

# Prints TEXT with the characters that grep -E treats as special escaped.
re_quote() {
    sed 's/[][\.*^$+?(){}|/]/\\&/g' <<<"$1"
}

# Skips the whole script (exit 0) when the caller is not root.
require_root() {
    if [[ $EUID -ne 0 ]]; then
        skip "$(basename "$0" .sh)" "needs root to create network namespaces"
        exit 0
    fi
}

# Ends the script with a SKIP line for the rest when the srinit binary is missing, so the
# checks without srinit still run before it is built.
require_srinit() {
    if [[ ! -x "$SRINIT" ]]; then
        skip "$(basename "$0" .sh) under srinit" "$SRINIT not found; run make first"
        finish
    fi
}

# ns_sysctl, veth_add and addr_add, shared with the Docker tests.
# shellcheck source=tests/net_lib.sh
source "$KT_ROOT/tests/net_lib.sh"

# ---- topologies shared by several scenarios ----

# shellcheck source=tests/kernel/lib_topology.sh
source "$KT_ROOT/tests/kernel/lib_topology.sh"
