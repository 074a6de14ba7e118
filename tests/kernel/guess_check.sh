#!/usr/bin/env bash
# Checked guesses: srinit takes the first host of a subnet as its gateway when nothing
# better is known. Once the child runs, it makes the kernel resolve that neighbour, and when
# the guessed gateway does not reply it warns and withdraws that default route, so that no
# default is made up for a network without a gateway. An interface whose guessed gateway
# replies gets no warning and keeps its default, and a withdrawn guess that replies after a
# later network change gets its default back.
source "$(dirname "$0")/lib.sh"
require_root
require_srinit

ns_add app
ns_add lan
veth_add "$app" eth0 "$lan" lan0
veth_add "$app" eth1 "$lan" lan1
addr_add "$app" eth0 198.18.10.2/24
addr_add "$app" eth1 198.18.11.2/24
# The guessed gateway of eth0 (198.18.10.1) exists; that of eth1 (198.18.11.1) does not.
addr_add "$lan" lan0 198.18.10.1/24
KT_DUMP_NS=$app

srinit_start "$app" -- /bin/sleep 30
# The check reads the neighbour entries 5 seconds after the probe, and an unanswered IPv4
# probe takes about 3 seconds to fail.
deadline=$((SECONDS + 15))
until grep -q 'no reply' "$SRINIT_LOG" || ((SECONDS > deadline)); do
    sleep 0.2
done

check_line "guess check: warns for a silent gateway" \
    'warning: eth1: no reply to ARP from the guessed gateway 198.18.11.1' cat "$SRINIT_LOG"
check_line "guess check: warning names --gateway" 'eth1.*--gateway eth1=ADDRESS' cat "$SRINIT_LOG"
check_no_line "guess check: no warning for an answering gateway" 'warning: eth0' \
    cat "$SRINIT_LOG"
check_line "guess check: answered guess installed" 'default via 198.18.10.1 dev eth0' \
    ip -n "$app" route show table all
check_line "guess check: warning says the default is withdrawn" \
    'eth1: no reply .* so that default route is withdrawn' cat "$SRINIT_LOG"
# The withdrawal follows the warning in the same loop turn; give the kernel a moment.
sleep 0.2
check_no_line "guess check: silent guess withdrawn" 'default via 198.18.11.1' \
    ip -n "$app" route show table all
check_line "guess check: interface without gateway still has its rule" \
    'from 198\.18\.11\.2 lookup' ip -n "$app" rule show

# The gateway appears, and a later change in the app's network (a second address) makes
# srinit probe the silent guess again: it replies, and the default route comes back.
addr_add "$lan" lan1 198.18.11.1/24
addr_add "$app" eth1 198.18.11.3/24
deadline=$((SECONDS + 15))
until ip -n "$app" route show table all | grep -q 'default via 198.18.11.1' ||
    ((SECONDS > deadline)); do
    sleep 0.2
done
check_line "guess check: guess restored once it replies" 'default via 198.18.11.1 dev eth1' \
    ip -n "$app" route show table all
check_line "guess check: restoration logged" 'info: eth1: the guessed gateway 198.18.11.1 replies now' \
    cat "$SRINIT_LOG"
srinit_stop
check_status "guess check: srinit exits with the child's status" 143 $?
finish
