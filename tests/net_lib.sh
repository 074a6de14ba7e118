# Namespace and client helpers shared by the kernel tests (tests/kernel/lib.sh) and the
# Docker tests (tests/docker/lib.sh). Every `ip` call names its namespace, and addresses are
# limited to 198.18.0.0/15 and fd00::/8. The sourcing library sets FETCH_TIMEOUT (seconds),
# FETCH_PAGE (the body a server returns) and FETCH_SUFFIX (the per-run namespace suffix),
# and defines pass and fail.

# Writes a sysctl inside NS only.
ns_sysctl() {
    ip netns exec "$1" sysctl -qw "$2" >/dev/null || exit 1
}

# Creates a veth pair IF1 (in NS1) and IF2 (in NS2), both up.
veth_add() {
    ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || exit 1
    ip -n "$1" link set "$2" up
    ip -n "$3" link set "$4" up
}

# Adds ADDRESS/PREFIX to IF in NS; rejects anything outside 198.18.0.0/15 and fd00::/8.
# IPv6 addresses skip duplicate address detection (nodad) so they are usable at once.
addr_add() {
    local ns=$1 dev=$2 address=$3
    case "$address" in
        198.18.* | 198.19.*) ip -n "$ns" addr add "$address" dev "$dev" || exit 1 ;;
        fd[0-9a-f][0-9a-f]:*) ip -n "$ns" addr add "$address" dev "$dev" nodad || exit 1 ;;
        *)
            echo "addr_add: $address is outside 198.18.0.0/15 and fd00::/8" >&2
            exit 1
            ;;
    esac
}

# Fetches URL from NS with a short timeout; prints the body. Extra curl options go first,
# such as `--interface ADDRESS` to bind the source address. Exit status as curl's
# (28: timed out).
fetch() {
    local ns=$1
    shift
    ip netns exec "$ns" curl -sS --max-time "$FETCH_TIMEOUT" "$@" 2>&1
}

# PASS when the fetch from NS returns FETCH_PAGE.
check_fetch() {
    local name=$1 ns=$2 output
    shift 2
    output=$(fetch "$ns" "$@")
    if [[ "$output" == "$FETCH_PAGE" ]]; then
        pass "$name"
    else
        fail "$name" "fetch ${*: -1} from ${ns%"$FETCH_SUFFIX"} failed: ${output:-no output}"
    fi
}

# PASS when the fetch from NS times out: the failure a scenario reproduces without srinit.
check_fetch_times_out() {
    local name=$1 ns=$2 output status
    shift 2
    output=$(fetch "$ns" "$@")
    status=$?
    if [[ $status -eq 28 ]]; then
        pass "$name"
    elif [[ $status -eq 0 ]]; then
        fail "$name" "fetch ${*: -1} succeeded; the topology does not reproduce the failure"
    else
        fail "$name" "fetch ${*: -1} failed other than by timeout (curl $status): $output"
    fi
}
