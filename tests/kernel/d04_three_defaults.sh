#!/usr/bin/env bash
# D4: the app is on three networks and main holds a default route through each, at the
# same metric (Podman's layout). The kernel uses one of them, so replies to clients of the
# other two networks' published ports leave the wrong way. Under srinit each network's
# replies leave through it, with the gateway taken from main.
source "$(dirname "$0")/lib.sh"
require_root

router_add host
ns_add app
ns_add client
KT_DUMP_NS=$app
veth_add "$host" uplink "$client" eth0
addr_add "$host" uplink 198.19.0.1/24
addr_add "$client" eth0 198.19.0.2/24
route_add "$client" default via 198.19.0.1

for n in 1 2 3; do
    bridge_add "$host" "br$n"
    veth_add "$host" "veth$n" "$app" "eth$((n - 1))"
    bridge_attach "$host" "br$n" "veth$n"
    addr_add "$host" "br$n" "198.18.$n.1/24"
    addr_add "$app" "eth$((n - 1))" "198.18.$n.2/24"
    port_publish "$host" 198.19.0.1 "808$n" "198.18.$n.2:80"
done
for n in 1 2 3; do
    # `append`, because `add` rejects a second default route at the same metric.
    ip -n "$app" route append default via "198.18.$n.1" dev "eth$((n - 1))" metric 100 || exit 1
done
rp_filter_apply

server_start "$app" 80
timeouts=0
for n in 1 2 3; do
    fetch "$client" "$(url_of 198.19.0.1 "808$n")" >/dev/null
    [[ $? -ne 28 ]] || timeouts=$((timeouts + 1))
done
if ((timeouts > 0)); then
    pass "D4 some networks time out without srinit"
else
    fail "D4 some networks time out without srinit" "all three published ports answered"
fi
pid_stop "${KT_PIDS[-1]}"

require_srinit
main_before=$(main_snapshot "$app")
srinit_start "$app" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
rules_wait "$app" -4 '^1001:.*from 198\.18\.3\.2 ' ||
    fail "D4 srinit adds its rules" "no rule for 198.18.3.2 within 3 seconds"
server_wait "$app" 80
for n in 1 2 3; do
    check_fetch "D4 network $n answered under srinit" "$client" "$(url_of 198.19.0.1 "808$n")"
    check_line "D4 network $n default from main" "^default via 198\.18\.$n\.1 dev eth$((n - 1)) proto 83" \
        ip -n "$app" route show table "$(table_of "$app" "eth$((n - 1))")"
done
check_same "D4 main table unchanged" "$main_before" "$(main_snapshot "$app")"
check_line "D4 log names main as gateway source" "eth2.*198\.18\.3\.1.*main" cat "$SRINIT_LOG"
srinit_stop
check_status "D4 srinit exits with the child's status" 143 $?
finish
