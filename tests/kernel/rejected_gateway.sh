#!/usr/bin/env bash
# A --gateway outside every prefix of its interface is rejected by the kernel (ENETUNREACH).
# srinit then logs that the gateway could not be installed, not the planned one, and removes
# the default route an earlier run left in that table, so the table falls through to main.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_one_link.sh"
require_root

one_link_build
require_srinit

srinit_start "$app" --no-watch --gateway eth1=198.18.2.1 -- /bin/true
srinit_wait 5
check_status "first run exits 0" 0 $?
check_line "first run installs the gateway" '^default via 198\.18\.2\.1 ' \
    ip -n "$app" -4 route show table "$TABLE"

srinit_start "$app" --no-watch --gateway eth1=198.18.9.1 -- /bin/true
srinit_wait 5
check_status "rejected gateway run exits 0" 0 $?
check_line "rejected gateway is an error" \
    "error: the kernel rejected 'ip -4 route (replace|add) default via 198\.18\.9\.1 .*inside a prefix" \
    cat "$SRINIT_LOG"
check_line "info line says gateway not installed" \
    'info: eth1: table [0-9]+, IPv4 198\.18\.2\.2 gateway could not be installed' cat "$SRINIT_LOG"
check_no_line "info line omits rejected gateway" 'info: eth1: .*gateway 198\.18\.9\.1' \
    cat "$SRINIT_LOG"
check_no_line "old default route removed" '^default ' ip -n "$app" -4 route show table "$TABLE"

srinit_start "$app" --no-watch --gateway eth1=198.18.9.1 -- /bin/true
srinit_wait 5
check_line "second rejected run says not installed" 'gateway could not be installed' \
    cat "$SRINIT_LOG"
finish
