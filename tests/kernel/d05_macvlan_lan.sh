#!/usr/bin/env bash
# D5: the app's eth0 is the cluster network with the default route, and net1 is a macvlan
# on a LAN whose router is the subnet's first host. A client in another LAN subnet reaches
# net1's address. Without srinit the reply leaves through eth0; under srinit, which guesses
# the first host as net1's gateway, it goes back through net1 and the LAN router.
source "$(dirname "$0")/lib.sh"
require_root

lan_build
url=$(url_of 198.18.4.10 80)
server_start "$app" 80
check_fetch_times_out "D5 client times out without srinit" "$client" "$url"
check_fetch "D5 router reaches net1 without srinit" "$router" "$url"
pid_stop "${KT_PIDS[-1]}"

require_srinit
lan_srinit_start D5
check_fetch "D5 client answered under srinit" "$client" "$url"
check_line "D5 net1 table default via the LAN router" '^default via 198\.18\.4\.1 dev net1 proto 83' \
    ip -n "$app" route show table "$(table_of "$app" net1)"
check_line "D5 log says the gateway is a guess" 'net1.*198\.18\.4\.1.*guess' cat "$SRINIT_LOG"
srinit_stop
check_status "D5 srinit exits with the child's status" 143 $?
finish
