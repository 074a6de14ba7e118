#!/usr/bin/env bash
# D11: srinit without CAP_NET_ADMIN (a container started without cap_add: [NET_ADMIN]).
# The child still runs and its exit status is kept, routing is left as it was, and one
# warning names the capability and how to grant it.
source "$(dirname "$0")/lib.sh"
require_root

two_networks_build back-first 4
require_srinit
before=$(routing_snapshot "$app")
marker=$KT_TMP/child-ran

# setpriv drops the capability from the bounding set before it executes srinit, so srinit
# starts without it although it runs as root.
SRINIT_PREFIX=(setpriv --bounding-set -net_admin --inh-caps -net_admin)
srinit_start "$app" -- /bin/sh -c "echo ran >$marker; exit 7"
srinit_wait 5
check_status "D11 exit status of the child kept" 7 $?
if [[ -s "$marker" ]]; then
    pass "D11 child runs"
else
    fail "D11 child runs" "the child did not write $marker"
fi

warnings=$(grep -c 'warn' "$SRINIT_LOG")
if [[ "$warnings" == 1 ]]; then
    pass "D11 exactly one warning"
else
    fail "D11 exactly one warning" "$warnings warning lines: $(tr '\n' ' ' <"$SRINIT_LOG")"
fi
check_line "D11 warning names CAP_NET_ADMIN" 'warn.*CAP_NET_ADMIN' cat "$SRINIT_LOG"
check_line "D11 warning says how to grant it" 'warn.*cap_add: \[NET_ADMIN\]' cat "$SRINIT_LOG"
check_same "D11 routing unchanged" "$before" "$(routing_snapshot "$app")"

# A dry run reads without the capability, and warns that the real run would change nothing.
ip netns exec "$app" setpriv --bounding-set -net_admin --inh-caps -net_admin \
    "$SRINIT" --dry-run >"$KT_TMP/dry-run.out" 2>"$KT_TMP/dry-run.err"
check_status "D11 dry run exits 0" 0 $?
check_line "D11 dry run warns that a real run changes nothing" \
    'warn.*CAP_NET_ADMIN is missing, so a run without --dry-run would leave routing alone' \
    cat "$KT_TMP/dry-run.err"
check_line "D11 dry run still prints the changes" '^ip -4 rule add' cat "$KT_TMP/dry-run.out"
finish
