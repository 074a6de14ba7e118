#!/usr/bin/env bash
# Input that matches nothing gets one line: a --gateway for an interface or subnet that does
# not exist (once, not per resync), unknown SRINIT_* variables, no managed interface, a
# COMMAND under --dry-run. With -v each skip line appears once, not on every resync.
# SRINIT_LOG_LEVEL=error hides warnings, and warn is taken as warning.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_one_link.sh"
require_root

one_link_build
require_srinit

# Prints how many lines of srinit's last log match PATTERN (grep -E).
log_count() {
    grep -Ec -- "$1" "$SRINIT_LOG"
}

# Waits at most 3 seconds until srinit's last log has a line matching PATTERN.
log_wait() {
    local i
    for i in $(seq 60); do
        grep -Eq -- "$1" "$SRINIT_LOG" && return 0
        sleep 0.05
    done
    return 1
}

srinit_start "$app" -v --gateway eth9=198.18.2.1 --gateway 198.18.7.0/24=198.18.7.1 -- sleep 10
log_wait 'info: eth1: table .*198\.18\.2\.2 gateway' || fail "first resync logged" "no eth1 line"
addr_add "$app" eth1 198.18.2.3/24
log_wait 'info: eth1: .*198\.18\.2\.3' || fail "second resync logged" "no line with 198.18.2.3"
addr_add "$app" eth1 198.18.2.4/24
log_wait 'info: eth1: .*198\.18\.2\.4' || fail "third resync logged" "no line with 198.18.2.4"
srinit_stop
check_status "unknown name warned once" 1 "$(log_count "warning: --gateway 'eth9=198\.18\.2\.1' names no existing interface")"
check_status "unmatched subnet warned once" 1 "$(log_count "warning: --gateway '198\.18\.7\.0/24=198\.18\.7\.1' matches no managed address")"
check_status "skip line logged once" 1 "$(log_count 'debug: skipping lo: loopback')"

srinit_start "$app" --no-watch --exclude 'eth*' -- /bin/true
srinit_wait 5
check_status "excluding all exits 0" 0 $?
check_line "no managed interface said" "info: no interface is managed: .*eth1 \(excluded by 'eth\*'\)" \
    cat "$SRINIT_LOG"

SRINIT_GATEWAY=eth1=198.18.2.1 SRINIT_FOO=1 SRINIT_EVENT_BUFFER=65536 \
    srinit_start "$app" --no-watch -- /bin/true
srinit_wait 5
check_line "unknown variables warned" 'warning: .*unknown environment variables SRINIT_(GATEWAY, SRINIT_FOO|FOO, SRINIT_GATEWAY);' \
    cat "$SRINIT_LOG"
check_no_line "test variable not warned" 'unknown .*SRINIT_EVENT_BUFFER.*;' cat "$SRINIT_LOG"

SRINIT_FOO=1 SRINIT_LOG_LEVEL=error srinit_start "$app" --no-watch -- /bin/true
srinit_wait 5
check_status "log level error exits 0" 0 $?
check_no_line "log level error hides warnings" 'warning:' cat "$SRINIT_LOG"
SRINIT_FOO=1 SRINIT_LOG_LEVEL=warn srinit_start "$app" --no-watch -- /bin/true
srinit_wait 5
check_line "log level warn shows warnings" 'warning: .*SRINIT_FOO' cat "$SRINIT_LOG"
check_no_line "log level warn hides info" 'info:' cat "$SRINIT_LOG"

timeout 10 ip netns exec "$app" "$SRINIT" --dry-run -- sleep 3 >/dev/null 2>"$KT_TMP/dry-run.err"
check_status "dry run with command exits 0" 0 $?
check_line "dry run says command not run" "info: not running 'sleep 3': --dry-run" cat "$KT_TMP/dry-run.err"
finish
