#!/usr/bin/env bash
# srinit subscribes to network events only once its child runs, after its first dump and
# changes. An address added in between must still get its rule: a helper adds one the
# moment srinit's first rule appears, and nothing else changes afterwards, so only the
# resync that follows the subscription can route it. Several rounds, each from a fresh
# start.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_one_link.sh"
require_root

helper=$KT_BUILD/add_on_rule
[[ -x "$helper" ]] || {
    skip "start window" "$helper is missing; build it with make test"
    finish
}

one_link_build
require_srinit

rounds=5
routed=0
for ((round = 1; round <= rounds; round++)); do
    address=198.18.2.$((100 + round))
    rm -f "$KT_TMP/ready"
    ip netns exec "$app" "$helper" eth1 "$address" 24 "$KT_TMP/ready" \
        >"$KT_TMP/helper.log" 2>&1 </dev/null &
    helper_pid=$!
    KT_PIDS+=("$helper_pid")
    for _ in $(seq 100); do
        [[ -e "$KT_TMP/ready" ]] && break
        sleep 0.01
    done

    srinit_start "$app" -v -- /bin/busybox sleep 30
    if ! wait "$helper_pid"; then
        fail "start window: helper adds $address" "$(cat "$KT_TMP/helper.log")"
        srinit_stop
        continue
    fi
    if rules_wait "$app" -4 "from $(re_quote "$address") lookup $TABLE proto 83"; then
        ((++routed))
    else
        fail "start window: $address added during start is routed" "no rule within 3 s"
    fi
    srinit_stop
    ip -n "$app" addr del "$address/24" dev eth1
    srinit_objects_flush "$app"
done
if ((routed == rounds)); then
    pass "start window: addresses added during start are routed ($rounds rounds)"
fi
finish
