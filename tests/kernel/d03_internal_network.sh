#!/usr/bin/env bash
# D3: the app is on an internal network without a gateway (eth0, attached first) and on an
# external one (eth1, main's default route). The app connects out, a client reaches the
# external address, and a peer reaches the internal address. Under srinit main's default
# route stays as it was. The internal network's table keeps no default route: srinit's
# guess (its first host) gets no reply and is withdrawn, and with --no-guess none is made.
source "$(dirname "$0")/lib.sh"
require_root

router_add host
ns_add app
ns_add client
ns_add peer
KT_DUMP_NS=$app

bridge_add "$host" br-int
veth_add "$host" vint "$app" eth0
bridge_attach "$host" br-int vint
veth_add "$host" vpeer "$peer" eth0
bridge_attach "$host" br-int vpeer
addr_add "$app" eth0 198.18.3.2/24
addr_add "$peer" eth0 198.18.3.3/24

bridge_add "$host" br-ext
veth_add "$host" vext "$app" eth1
bridge_attach "$host" br-ext vext
addr_add "$host" br-ext 198.18.1.1/24
addr_add "$app" eth1 198.18.1.2/24
route_add "$app" default via 198.18.1.1 dev eth1

veth_add "$host" uplink "$client" eth0
addr_add "$host" uplink 198.19.0.1/24
addr_add "$client" eth0 198.19.0.2/24
route_add "$client" default via 198.19.0.1
rp_filter_apply
server_start "$client" 80

# Runs the three fetches of this scenario. The argument ends each test name, such as
# "under srinit".
check_fetches() {
    check_fetch "D3 app connects out $1" "$app" "$(url_of 198.19.0.2 80)"
    check_fetch "D3 client reaches external address $1" "$client" "$(url_of 198.18.1.2 80)"
    check_fetch "D3 peer reaches internal address $1" "$peer" "$(url_of 198.18.3.2 80)"
}

server_start "$app" 80
check_fetches "without srinit"
pid_stop "${KT_PIDS[-1]}"

require_srinit
main_before=$(main_snapshot "$app")
internal_table=$(table_of "$app" eth0)
srinit_start "$app" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
rules_wait "$app" -4 '^1001:.*from 198\.18\.3\.2 ' ||
    fail "D3 srinit adds its rules" "no rule for 198.18.3.2 within 3 seconds"
server_wait "$app" 80
check_fetches "under srinit"
check_same "D3 main table unchanged" "$main_before" "$(main_snapshot "$app")"
# The guess check reads the neighbour entry 5 seconds after the probe.
deadline=$((SECONDS + 15))
until grep -q 'eth0: no reply' "$SRINIT_LOG" || ((SECONDS > deadline)); do
    sleep 0.2
done
sleep 0.2
check_no_line "D3 guessed default withdrawn for the internal network" '^default' \
    ip -n "$app" route show table "$internal_table"
check_line "D3 withdrawal names the internal network" 'warn.*eth0.*--gateway' cat "$SRINIT_LOG"
check_fetches "after the withdrawal"
srinit_stop
check_status "D3 srinit exits with the child's status" 143 $?
srinit_objects_flush "$app"

srinit_start "$app" --no-guess -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
rules_wait "$app" -4 '^1001:.*from 198\.18\.3\.2 ' ||
    fail "D3 srinit adds its rules with --no-guess" "no rule for 198.18.3.2 within 3 seconds"
server_wait "$app" 80
check_fetches "with --no-guess"
check_no_line "D3 no default made up for the internal network" '^default' \
    ip -n "$app" route show table "$internal_table"
check_line "D3 warning names the internal network" 'warn.*eth0.*--gateway' cat "$SRINIT_LOG"
check_same "D3 main table unchanged with --no-guess" "$main_before" "$(main_snapshot "$app")"
srinit_stop
check_status "D3 srinit exits with the child's status with --no-guess" 143 $?
finish
