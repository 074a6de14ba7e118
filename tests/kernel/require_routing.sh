#!/usr/bin/env bash
# --require-routing stops srinit with exit status 1 and one line saying why, both when the
# kernel rejects a change and when a table conflict leaves an interface alone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_one_link.sh"
require_root

one_link_build
require_srinit
stop_line='error: stopping before the child starts: --require-routing is set'

srinit_start "$app" --no-watch --require-routing --gateway eth1=198.18.9.1 -- /bin/true
srinit_wait 5
check_status "rejected change exits 1" 1 $?
check_line "rejected change says why it stops" "$stop_line" cat "$SRINIT_LOG"

srinit_objects_flush "$app"
route_add "$app" -4 198.19.5.0/24 dev eth1 table "$TABLE"
srinit_start "$app" --no-watch --require-routing -- /bin/true
srinit_wait 5
check_status "table conflict exits 1" 1 $?
check_line "table conflict says why it stops" "$stop_line" cat "$SRINIT_LOG"
check_line "table conflict counts one route" 'already holds 1 IPv4 route that' cat "$SRINIT_LOG"

route_add "$app" -4 198.19.6.0/24 dev eth1 table "$TABLE"
srinit_start "$app" --no-watch -- /bin/true
srinit_wait 5
check_status "table conflict without require exits 0" 0 $?
check_line "table conflict counts two routes" 'already holds 2 IPv4 routes that' cat "$SRINIT_LOG"
finish
