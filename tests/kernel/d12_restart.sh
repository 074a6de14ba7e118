#!/usr/bin/env bash
# D12: srinit started again in the same network namespace (a restart) changes nothing and
# duplicates nothing, removes stale objects of its own from an earlier layout, and keeps
# objects it does not own. A second srinit beside a running one (two containers of one pod)
# does not fight it.
source "$(dirname "$0")/lib.sh"
require_root

# Runs srinit once with --no-watch and the child `true`; FAIL unless it exits 0.
srinit_once() {
    srinit_start "$app" --no-watch "$@" -- /bin/true
    srinit_wait 5
    check_status "D12 run $kt_srinit_runs exits 0" 0 $?
}

two_networks_build back-first 46
require_srinit
front_table=$(table_of "$app" "$APP_FRONT_DEV")

srinit_once
first=$(routing_snapshot "$app")
check_line "D12 first run adds rules" '^1001:.*from 198\.18\.2\.2 lookup' ip -n "$app" rule show

srinit_once
check_same "D12 second run changes nothing" "$first" "$(routing_snapshot "$app")"
check_no_duplicate_rules "D12 no duplicate rules"

# Stale objects of srinit's own (protocol 83) from an earlier layout, and foreign objects.
ip -n "$app" rule add pref 1001 from 198.18.9.9 lookup 1099 proto 83
ip -n "$app" route add 198.18.9.0/24 dev "$APP_FRONT_DEV" table 1099 proto 83
ip -n "$app" route add 198.18.77.0/24 dev "$APP_FRONT_DEV" table "$front_table" proto 83
ip -n "$app" -6 rule add pref 1001 from fd00:9::9 lookup 1099 proto 83
ip -n "$app" rule add pref 500 from 198.18.8.8 lookup 1500
ip -n "$app" route add 198.18.8.0/24 dev "$APP_BACK_DEV" table 1500
srinit_once
check_no_line "D12 stale rules removed" 'from (198\.18\.9\.9|fd00:9::9) ' routing_snapshot "$app"
check_no_line "D12 stale routes removed" '^198\.18\.(9|77)\.0/24' routing_snapshot "$app"
check_line "D12 foreign rule kept" '^500:.*from 198\.18\.8\.8 lookup 1500' ip -n "$app" rule show
check_line "D12 foreign route kept" '^198\.18\.8\.0/24 dev' ip -n "$app" route show table 1500
ip -n "$app" rule del pref 500 from 198.18.8.8 lookup 1500
ip -n "$app" route del 198.18.8.0/24 dev "$APP_BACK_DEV" table 1500
check_same "D12 run after stale objects matches the first" "$first" "$(routing_snapshot "$app")"

# Two instances in one namespace: the second runs its child and leaves routing alone. It
# gets another table base, so that routing it managed would show as changed tables.
srinit_start "$app" -- /bin/busybox sleep 30
first_pid=$SRINIT_PID
rules_wait "$app" -4 '^1001:.*from 198\.18\.2\.2 ' || fail "D12 watching srinit starts" "no rule"
sleep 0.5
srinit_start "$app" --table-base 2000 -- /bin/sh -c 'exit 5'
srinit_wait 5
check_status "D12 second instance keeps its child's status" 5 $?
check_same "D12 second instance changes nothing" "$first" "$(routing_snapshot "$app")"
check_no_duplicate_rules "D12 no duplicate rules with two instances"
SRINIT_PID=$first_pid
srinit_stop
check_status "D12 first instance exits with its child's status" 143 $?
finish
