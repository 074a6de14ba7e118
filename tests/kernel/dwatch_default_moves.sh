#!/usr/bin/env bash
# A default route that moves while srinit runs: main's default moves from back (eth0) to
# front (eth1). With --no-guess the gateways come from main only, so front's table gains a
# default via front's gateway and back's table loses its default. Main keeps what the
# test put there.
source "$(dirname "$0")/lib.sh"
require_root

# Waits at most 1 second until table TABLE of the app namespace matches PATTERN (grep -E)
# when EXPECT is "present", or no longer matches it when EXPECT is "absent".
table_wait() {
    local table=$1 pattern=$2 expect=$3 i
    for i in $(seq 50); do
        if ip -n "$app" -4 route show table "$table" | grep -Eq "$pattern"; then
            [[ "$expect" == present ]] && return 0
        else
            [[ "$expect" == absent ]] && return 0
        fi
        sleep 0.02
    done
    return 1
}

two_networks_build back-first 4
require_srinit
back_table=$(table_of "$app" "$APP_BACK_DEV")
front_table=$(table_of "$app" "$APP_FRONT_DEV")

srinit_start "$app" --no-guess -- /bin/busybox sleep 60
rules_wait "$app" -4 '^1001:.*from 198\.18\.2\.2 ' || fail "default moves: srinit starts" "no rule"
check_line "default moves: back table default before" "^default via 198\.18\.1\.1 dev $APP_BACK_DEV" \
    ip -n "$app" -4 route show table "$back_table"
check_no_line "default moves: front table without default before" '^default' \
    ip -n "$app" -4 route show table "$front_table"

ip -n "$app" -4 route replace default via 198.18.2.1 dev "$APP_FRONT_DEV"
if table_wait "$front_table" "^default via 198\.18\.2\.1 dev $APP_FRONT_DEV proto 83" present; then
    pass "default moves: front table gains the default"
else
    fail "default moves: front table gains the default" "no default in table $front_table after 1 s"
fi
if table_wait "$back_table" '^default' absent; then
    pass "default moves: back table loses the default"
else
    fail "default moves: back table loses the default" "default left in table $back_table after 1 s"
fi
check_line "default moves: main keeps the moved default" \
    "^default via 198\.18\.2\.1 dev $APP_FRONT_DEV" ip -n "$app" -4 route show table main
check_line "default moves: warning names back" "srinit: warning: $APP_BACK_DEV: no IPv4 gateway" \
    cat "$SRINIT_LOG"

ip -n "$app" -4 route replace default via 198.18.1.1 dev "$APP_BACK_DEV"
if table_wait "$back_table" "^default via 198\.18\.1\.1 dev $APP_BACK_DEV proto 83" present; then
    pass "default moves back: back table regains the default"
else
    fail "default moves back: back table regains the default" "no default in table $back_table"
fi
if table_wait "$front_table" '^default' absent; then
    pass "default moves back: front table loses the default"
else
    fail "default moves back: front table loses the default" "default left in table $front_table"
fi

srinit_stop
check_status "default moves: srinit exits with the child's status" 143 $?
finish
