# Namespace helpers shared by the kernel tests (tests/kernel/lib.sh) and the Docker tests
# (tests/docker/lib.sh). Every `ip` call names its namespace, and addresses are limited to
# 198.18.0.0/15 and fd00::/8.

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
