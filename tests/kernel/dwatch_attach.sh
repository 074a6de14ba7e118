#!/usr/bin/env bash
# D10: the app starts on `back` only; `front` is attached while srinit runs. Its rule and
# table appear within a second of its address, a client reaches the published front
# address, and after `front` is detached its rule and table are gone and nothing else
# changed.
source "$(dirname "$0")/lib.sh"
require_root

# Waits at most SECONDS for COMMAND... to succeed; prints the milliseconds it took.
wait_ms() {
    local limit=$1 start now
    shift
    start=$(date +%s%N)
    while ! "$@"; do
        now=$(date +%s%N)
        (((now - start) / 1000000 < limit * 1000)) || return 1
        sleep 0.01
    done
    now=$(date +%s%N)
    echo $(((now - start) / 1000000))
}

has_front_rule() {
    ip -n "$app" -4 rule show | grep -Eq '^1001:.*from 198\.18\.2\.2 lookup [0-9]+ proto 83'
}

lacks_front_rule() {
    ! has_front_rule
}

lacks_front_table() {
    [[ -z "$(ip -n "$app" -4 route show table "$front_table" 2>/dev/null)" ]]
}

two_networks_build back-first 4
require_srinit
# Detach front before the app starts; it comes back while srinit runs.
ip -n "$app" link del "$APP_FRONT_DEV"

srinit_start "$app" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
rules_wait "$app" -4 '^1001:.*from 198\.18\.1\.2 ' || fail "D10 srinit starts" "no rule for back"
server_wait "$app" 80
before=$(routing_snapshot "$app")

veth_add "$host" vfront "$app" "$APP_FRONT_DEV"
bridge_attach "$host" br-front vfront
rp_filter_apply
front_table=$(table_of "$app" "$APP_FRONT_DEV")
addr_add "$app" "$APP_FRONT_DEV" 198.18.2.2/24
if elapsed=$(wait_ms 1 has_front_rule); then
    pass "D10 front rule within a second (${elapsed} ms)"
else
    fail "D10 front rule within a second" "no rule for 198.18.2.2 after 1 s"
fi
check_line "D10 front table default route" "^default via 198\.18\.2\.1 dev $APP_FRONT_DEV proto 83" \
    ip -n "$app" -4 route show table "$front_table"
check_line "D10 front table connected route" \
    "^198\.18\.2\.0/24 dev $APP_FRONT_DEV proto 83 scope link src 198\.18\.2\.2" \
    ip -n "$app" -4 route show table "$front_table"
check_fetch "D10 client reaches the new address" "$client" "$(url_of 198.19.0.1 8080)"

ip -n "$app" link del "$APP_FRONT_DEV"
if elapsed=$(wait_ms 1 lacks_front_rule); then
    pass "D10 front rule gone after detach (${elapsed} ms)"
else
    fail "D10 front rule gone after detach" "rule for 198.18.2.2 still there after 1 s"
fi
if wait_ms 1 lacks_front_table >/dev/null; then
    pass "D10 front table gone after detach"
else
    fail "D10 front table gone after detach" "table $front_table still has routes"
fi
sleep 0.2
check_same "D10 nothing else changed" "$before" "$(routing_snapshot "$app")"
check_no_line "D10 no errors logged" 'srinit: error' cat "$SRINIT_LOG"

srinit_stop
check_status "D10 srinit exits with the child's status" 143 $?
finish
