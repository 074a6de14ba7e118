#!/usr/bin/env bash
# D7: main holds a specific route (a static or VPN route, not a default) through back's
# VPN gateway. Traffic from front's address to that destination must still follow it:
# srinit decides only what main's default route would have decided.
source "$(dirname "$0")/lib.sh"
require_root

two_networks_build back-first 4
# The VPN gateway sits on back's network and leads to 198.19.7.0/24, where the remote
# server is. The host routes that prefix through it too, so its reverse path filter
# accepts the remote server's replies.
ns_add vpn
ns_add remote
veth_add "$host" vvpn "$vpn" eth0
bridge_attach "$host" br-back vvpn
veth_add "$vpn" eth1 "$remote" eth0
addr_add "$vpn" eth0 198.18.1.3/24
addr_add "$vpn" eth1 198.19.7.1/24
route_add "$vpn" default via 198.18.1.1
ns_sysctl "$vpn" net.ipv4.ip_forward=1
addr_add "$remote" eth0 198.19.7.2/24
route_add "$remote" default via 198.19.7.1
route_add "$host" 198.19.7.0/24 via 198.18.1.3
route_add "$app" 198.19.7.0/24 via 198.18.1.3 dev eth0
rp_filter_apply
server_start "$remote" 80

from_front=(--interface 198.18.2.2 "$(url_of 198.19.7.2 80)")
check_fetch "D7 front reaches VPN without srinit" "$app" "${from_front[@]}"
check_line "D7 VPN route taken without srinit" '^198\.19\.7\.2 from 198\.18\.2\.2 via 198\.18\.1\.3 dev eth0' \
    ip -n "$app" route get 198.19.7.2 from 198.18.2.2

require_srinit
srinit_start "$app" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
rules_wait "$app" -4 '^1001:.*from 198\.18\.2\.2 ' ||
    fail "D7 srinit adds its rules" "no rule for 198.18.2.2 within 3 seconds"
server_wait "$app" 80
check_fetch "D7 front reaches VPN under srinit" "$app" "${from_front[@]}"
check_line "D7 VPN route still wins under srinit" '^198\.19\.7\.2 from 198\.18\.2\.2 via 198\.18\.1\.3 dev eth0' \
    ip -n "$app" route get 198.19.7.2 from 198.18.2.2
check_line "D7 other destinations leave through front" '^198\.19\.0\.2 from 198\.18\.2\.2 via 198\.18\.2\.1 dev eth1' \
    ip -n "$app" route get 198.19.0.2 from 198.18.2.2
srinit_stop
check_status "D7 srinit exits with the child's status" 143 $?
finish
