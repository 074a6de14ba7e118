#!/usr/bin/env bash
# D8: a client on front's own subnet reaches the app's front address. The reply must go
# directly on the link, not through front's gateway: the host drops anything it would
# route back into front's network.
source "$(dirname "$0")/lib.sh"
require_root

two_networks_build back-first 4
ns_add neighbor
veth_add "$host" vneighbor "$neighbor" eth0
bridge_attach "$host" br-front vneighbor
addr_add "$neighbor" eth0 198.18.2.3/24
# The bridge's own frames must not reach iptables (br_netfilter), only routed packets.
ip netns exec "$host" sysctl -qw net.bridge.bridge-nf-call-iptables=0 >/dev/null 2>&1
ip netns exec "$host" iptables -w -A FORWARD -i br-front -o br-front -j DROP || exit 1
ns_sysctl "$host" net.ipv4.conf.all.send_redirects=0
ns_sysctl "$host" net.ipv4.conf.br-front.send_redirects=0
rp_filter_apply

server_start "$app" 80
check_fetch "D8 neighbor reaches front without srinit" "$neighbor" "$(url_of 198.18.2.2 80)"
pid_stop "${KT_PIDS[-1]}"

require_srinit
srinit_start "$app" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
rules_wait "$app" -4 '^1001:.*from 198\.18\.2\.2 ' ||
    fail "D8 srinit adds its rules" "no rule for 198.18.2.2 within 3 seconds"
server_wait "$app" 80
check_fetch "D8 neighbor reaches front under srinit" "$neighbor" "$(url_of 198.18.2.2 80)"
check_line "D8 reply goes directly on the link" '^198\.18\.2\.3 from 198\.18\.2\.2 dev eth1' \
    ip -n "$app" route get 198.18.2.3 from 198.18.2.2
srinit_stop
check_status "D8 srinit exits with the child's status" 143 $?
finish
