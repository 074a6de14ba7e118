#!/usr/bin/env bash
# D12, shared namespace: two watching srinit processes in one network namespace (two
# containers of one pod). The second leaves routing to the first, duplicates nothing, and
# takes routing over when the first exits: it then follows changes on its own.
source "$(dirname "$0")/lib.sh"
require_root

# Waits at most 2 seconds until `ip rule` of the app namespace matches PATTERN (grep -E).
rule_wait() {
    local i
    for i in $(seq 100); do
        ip -n "$app" -4 rule show | grep -Eq "$1" && return 0
        sleep 0.02
    done
    return 1
}

# Waits at most 2 seconds until no rule of the app namespace matches PATTERN (grep -E).
rule_gone_wait() {
    local i
    for i in $(seq 100); do
        ip -n "$app" -4 rule show | grep -Eq "$1" || return 0
        sleep 0.02
    done
    return 1
}

two_networks_build back-first 4
require_srinit

srinit_start "$app" -- /bin/busybox sleep 60
first_pid=$SRINIT_PID
first_log=$SRINIT_LOG
rule_wait '^1001:.*from 198\.18\.2\.2 lookup 1[0-9]{3} ' || fail "D12 first srinit starts" "no rule"
before=$(routing_snapshot "$app")

# The second instance gets another table base, so that routing it managed would show.
srinit_start "$app" --table-base 2000 -- /bin/busybox sleep 60
second_pid=$SRINIT_PID
second_log=$SRINIT_LOG
sleep 0.5
check_line "D12 second srinit says another manages routing" \
    'srinit: info: another srinit manages routing in this network namespace' cat "$SRINIT_LOG"
check_same "D12 second srinit changes nothing" "$before" "$(routing_snapshot "$app")"
check_no_duplicate_rules "D12 no duplicate rules with two srinit"

# An address change while both run: only the first reacts, so no table of base 2000 shows.
addr_add "$app" "$APP_FRONT_DEV" 198.18.2.3/24
rule_wait '^1001:.*from 198\.18\.2\.3 lookup 1[0-9]{3} ' ||
    fail "D12 first srinit follows changes" "no rule for 198.18.2.3"
sleep 0.3
check_no_line "D12 second srinit stays out" 'lookup 2[0-9]{3} ' ip -n "$app" -4 rule show

SRINIT_PID=$first_pid
SRINIT_LOG=$first_log
srinit_stop
check_status "D12 first srinit exits with its child's status" 143 $?

SRINIT_PID=$second_pid
SRINIT_LOG=$second_log
if rule_wait '^1001:.*from 198\.18\.2\.2 lookup 2[0-9]{3} '; then
    pass "D12 second srinit takes over"
else
    fail "D12 second srinit takes over" "no rule with a table of base 2000 after 2 s"
fi
rule_gone_wait 'lookup 1[0-9]{3} proto 83' ||
    fail "D12 takeover removes the first srinit's rules" "rules of base 1000 left"
check_no_duplicate_rules "D12 no duplicate rules after takeover"

ip -n "$app" addr del 198.18.2.3/24 dev "$APP_FRONT_DEV"
if rule_gone_wait 'from 198\.18\.2\.3 '; then
    pass "D12 second srinit follows changes after takeover"
else
    fail "D12 second srinit follows changes after takeover" "rule for 198.18.2.3 left"
fi
check_line "D12 second srinit logs the takeover" 'srinit: info: .* takes routing over' \
    cat "$SRINIT_LOG"

srinit_stop
check_status "D12 second srinit exits with its child's status" 143 $?
finish
