#!/usr/bin/env bash
# srinit in what looks like the host's network namespace (`docker run --network host`)
# leaves routing alone and logs why, still runs the child and keeps its exit status;
# --host-network overrides that. A test namespace cannot get the initial namespace's
# inode or a hardware device, so a tmpfs mounted in srinit's private mount namespace gives
# eth0 the `device` link in sysfs that hardware has, beside a bridge named docker0.
source "$(dirname "$0")/lib.sh"
require_root

two_networks_build back-first 4
ip -n "$app" link add docker0 type bridge || exit 1
ip -n "$app" link set docker0 up
require_srinit
before=$(routing_snapshot "$app")

# unshare --mount-proc gives srinit a mount namespace of its own, so this tmpfs stays there.
eth0_sysfs=/sys/devices/virtual/net/eth0
SRINIT_PREFIX=(sh -c "mount -t tmpfs srinit-test $eth0_sysfs && touch $eth0_sysfs/device && exec \"\$@\"" host-look)

srinit_start "$app" --no-watch -- /bin/sh -c 'exit 3'
srinit_wait 5
check_status "host network child status kept" 3 $?
check_same "host network routing left alone" "$before" "$(routing_snapshot "$app")"
check_line "host network log says why" 'eth0.*docker0' cat "$SRINIT_LOG"

# While watching too: an address added later gets no rule, and srinit still exits cleanly.
srinit_start "$app" -- /bin/sh -c 'sleep 1; exit 4'
sleep 0.3
ip -n "$app" addr add 198.18.9.2/24 dev eth1
srinit_wait 5
check_status "host network watching child status kept" 4 $?
check_no_line "host network watching adds no rule" 'proto 83' ip -n "$app" rule show
srinit_start "$app" --no-watch --host-network -- /bin/true
srinit_wait 5
check_status "host network override exits 0" 0 $?
check_line "host network override adds rules" '^1001:.*from 198\.18\.2\.2 lookup' \
    ip -n "$app" rule show
finish
