#!/usr/bin/env bash
# An IPv6 address added while srinit runs, with real duplicate address detection on a veth
# whose peer is up. While the address is tentative, its rule exists and its table's
# connected route has no src, because the kernel rejects a tentative prefsrc. Once detection
# completes, the route gains src.
source "$(dirname "$0")/lib.sh"
require_root

# Succeeds while fd00:1::2 on the app's eth0 is tentative.
is_tentative() {
    ip -n "$app" -6 addr show dev eth0 tentative | grep -q 'fd00:1::2/64'
}

# Waits at most SECONDS until COMMAND... succeeds.
wait_for() {
    local limit=$1 i
    shift
    for i in $(seq $((limit * 50))); do
        "$@" && return 0
        sleep 0.02
    done
    return 1
}

has_rule() {
    ip -n "$app" -6 rule show | grep -Eq "^1001:.*from fd00:1::2 lookup $table proto 83"
}

connected_route() {
    ip -n "$app" -6 route show table "$table" | grep -E '^fd00:1::/64 dev eth0 proto 83'
}

has_src() {
    connected_route | grep -q 'src fd00:1::2'
}

ns_add app
ns_add peer
KT_DUMP_NS=$app
veth_add "$peer" p0 "$app" eth0
# Three probes one second apart keep the address tentative for about three seconds.
ns_sysctl "$app" net.ipv6.conf.eth0.dad_transmits=3
ns_sysctl "$app" net.ipv6.conf.eth0.accept_dad=1
require_srinit
table=$(table_of "$app" eth0)

srinit_start "$app" -- /bin/busybox sleep 60
sleep 0.3
ip -n "$app" -6 addr add fd00:1::2/64 dev eth0

if wait_for 1 has_rule; then
    pass "IPv6 DAD: rule for the tentative address"
else
    fail "IPv6 DAD: rule for the tentative address" "no rule for fd00:1::2 after 1 s"
fi
if ! is_tentative; then
    skip "IPv6 DAD: route without src while tentative" "detection completed before the check"
elif [[ -z "$(connected_route)" ]]; then
    fail "IPv6 DAD: route without src while tentative" "no fd00:1::/64 route in table $table"
elif has_src; then
    fail "IPv6 DAD: route without src while tentative" "route has src: $(connected_route)"
else
    pass "IPv6 DAD: route without src while tentative"
fi

if ! wait_for 8 eval '! is_tentative'; then
    fail "IPv6 DAD: detection completes" "fd00:1::2 still tentative after 8 s"
elif wait_for 1 has_src; then
    pass "IPv6 DAD: route gains src after detection"
else
    fail "IPv6 DAD: route gains src after detection" "route without src 1 s after detection"
fi

srinit_stop
check_status "IPv6 DAD: srinit exits with the child's status" 143 $?
finish
