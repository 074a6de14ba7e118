# Topologies that several kernel test scenarios share, and the published-port scenario
# itself. lib.sh sources this file, and the functions here use its helpers.

# ---- the two-network topology of D1 ----

# The published-port topology: the app namespace is on `back` (198.18.1.2/24, the default
# route via 198.18.1.1) and on `front` (198.18.2.2/24, no route of its own), both bridges
# of the router namespace `host`. Host publishes port 8080 of its uplink address
# 198.19.0.1 to front's address, port 80. The client namespace sits behind the uplink
# (198.19.0.2, default via the host). IPv6 uses fd00:1::/64, fd00:2::/64 and fd00:19::/64
# with the same host numbers.
#   two_networks_build ORDER FAMILIES
# ORDER: back-first (app eth0 is back, eth1 front) or front-first (the other way round).
# FAMILIES: 4, 6 or 46. Sets host, app, client, APP_BACK_DEV, APP_FRONT_DEV.
two_networks_build() {
    local order=$1 families=$2 dev

    router_add host
    ns_add app
    ns_add client
    KT_DUMP_NS=$app

    bridge_add "$host" br-back
    bridge_add "$host" br-front
    if [[ "$order" == back-first ]]; then
        APP_BACK_DEV=eth0 APP_FRONT_DEV=eth1
        veth_add "$host" vback "$app" eth0
        veth_add "$host" vfront "$app" eth1
    else
        APP_FRONT_DEV=eth0 APP_BACK_DEV=eth1
        veth_add "$host" vfront "$app" eth0
        veth_add "$host" vback "$app" eth1
    fi
    bridge_attach "$host" br-back vback
    bridge_attach "$host" br-front vfront
    veth_add "$host" uplink "$client" eth0

    if [[ "$families" == *4* ]]; then
        addr_add "$host" br-back 198.18.1.1/24
        addr_add "$host" br-front 198.18.2.1/24
        addr_add "$host" uplink 198.19.0.1/24
        addr_add "$app" "$APP_BACK_DEV" 198.18.1.2/24
        addr_add "$app" "$APP_FRONT_DEV" 198.18.2.2/24
        route_add "$app" default via 198.18.1.1 dev "$APP_BACK_DEV"
        addr_add "$client" eth0 198.19.0.2/24
        route_add "$client" default via 198.19.0.1
        port_publish "$host" 198.19.0.1 8080 198.18.2.2:80
    fi
    if [[ "$families" == *6* ]]; then
        addr_add "$host" br-back fd00:1::1/64
        addr_add "$host" br-front fd00:2::1/64
        addr_add "$host" uplink fd00:19::1/64
        addr_add "$app" "$APP_BACK_DEV" fd00:1::2/64
        addr_add "$app" "$APP_FRONT_DEV" fd00:2::2/64
        route_add "$app" -6 default via fd00:1::1 dev "$APP_BACK_DEV"
        addr_add "$client" eth0 fd00:19::2/64
        route_add "$client" -6 default via fd00:19::1
        port_publish "$host" fd00:19::1 8080 '[fd00:2::2]:80'
    fi
    rp_filter_apply
}

# Addresses of the two-network topology per family (4 or 6), for the scenarios' checks.
declare -A FRONT_ADDR=([4]=198.18.2.2 [6]=fd00:2::2)
declare -A FRONT_GATEWAY=([4]=198.18.2.1 [6]=fd00:2::1)
declare -A BACK_ADDR=([4]=198.18.1.2 [6]=fd00:1::2)
declare -A PUBLISHED_ADDR=([4]=198.19.0.1 [6]=fd00:19::1)

# Prints the families in FAMILIES ("4", "6" or "46") one per word.
families_of() {
    sed 's/./& /g' <<<"$1"
}

# Prints the main-table routes of NS, both families, which srinit must never change.
main_snapshot() {
    ip -n "$1" -4 route show table main
    ip -n "$1" -6 route show table main
}

# Starts the test page server under srinit in the app namespace and waits until srinit's
# rule for front's address and the server are there:
#   published_srinit_start ID FAMILIES [OPTION...]
published_srinit_start() {
    local id=$1 families=$2 family
    shift 2
    srinit_start "$app" "$@" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
    for family in $(families_of "$families"); do
        rules_wait "$app" "-$family" "^1001:.*from $(re_quote "${FRONT_ADDR[$family]}") " ||
            fail "$id IPv$family srinit adds its rules" "no rule for ${FRONT_ADDR[$family]} within 3 seconds"
    done
    server_wait "$app" 80
}

# The published-port scenario: the client's fetch of the host's published port times out
# while the app runs without srinit and is answered under srinit, and the host's own
# fetches of both app addresses work in both cases.
#   published_port_scenario ID ORDER FAMILIES  (ORDER and FAMILIES as two_networks_build's)
published_port_scenario() {
    local id=$1 order=$2 families=$3 family front_table main_before status
    two_networks_build "$order" "$families"

    server_start "$app" 80
    for family in $(families_of "$families"); do
        check_fetch_times_out "$id IPv$family client times out without srinit" "$client" \
            "$(url_of "${PUBLISHED_ADDR[$family]}" 8080)"
        check_fetch "$id IPv$family host reaches front without srinit" "$host" \
            "$(url_of "${FRONT_ADDR[$family]}" 80)"
    done
    pid_stop "${KT_PIDS[-1]}"

    require_srinit
    main_before=$(main_snapshot "$app")
    front_table=$(table_of "$app" "$APP_FRONT_DEV")
    published_srinit_start "$id" "$families"
    for family in $(families_of "$families"); do
        check_fetch "$id IPv$family client answered under srinit" "$client" \
            "$(url_of "${PUBLISHED_ADDR[$family]}" 8080)"
        check_fetch "$id IPv$family host reaches front under srinit" "$host" \
            "$(url_of "${FRONT_ADDR[$family]}" 80)"
        check_fetch "$id IPv$family host reaches back under srinit" "$host" \
            "$(url_of "${BACK_ADDR[$family]}" 80)"
        check_line "$id IPv$family rule for front address" \
            "^1001:[[:space:]]+from $(re_quote "${FRONT_ADDR[$family]}") lookup $front_table proto 83" \
            ip -n "$app" "-$family" rule show
        check_line "$id IPv$family front table default route" \
            "^default via $(re_quote "${FRONT_GATEWAY[$family]}") dev $APP_FRONT_DEV proto 83" \
            ip -n "$app" "-$family" route show table "$front_table"
    done
    check_same "$id main table unchanged" "$main_before" "$(main_snapshot "$app")"

    srinit_stop
    status=$?
    check_status "$id srinit exits with the child's status" 143 "$status"
}

# ---- the macvlan LAN topology of D5 and D6 ----

# The app's eth0 (198.18.1.2/24) is the cluster network of namespace `node`, with the
# default route via 198.18.1.1. Its `net1` (198.18.4.10/24) is a macvlan on node's `lan0`,
# a LAN whose router (namespace `router`) is the subnet's first host, 198.18.4.1. The
# client (198.18.5.2) sits in another LAN subnet behind that router. Both node and router
# filter reverse paths strictly, and node has no route to the LAN, so a reply that leaves
# through eth0 is dropped. Sets node, router, app, client.
lan_build() {
    router_add node
    router_add router
    ns_add app
    ns_add client
    KT_DUMP_NS=$app

    bridge_add "$node" br-cluster
    veth_add "$node" vcluster "$app" eth0
    bridge_attach "$node" br-cluster vcluster
    addr_add "$node" br-cluster 198.18.1.1/24
    addr_add "$app" eth0 198.18.1.2/24
    route_add "$app" default via 198.18.1.1

    veth_add "$node" lan0 "$router" eth0
    macvlan_add "$node" lan0 net1 "$app"
    addr_add "$app" net1 198.18.4.10/24
    addr_add "$router" eth0 198.18.4.1/24

    veth_add "$router" eth1 "$client" eth0
    addr_add "$router" eth1 198.18.5.1/24
    addr_add "$client" eth0 198.18.5.2/24
    route_add "$client" default via 198.18.5.1
    rp_filter_apply
}

# Starts the test page server under srinit in the app namespace and waits until srinit's
# rule for net1's address and the server are there: lan_srinit_start ID [OPTION...]
lan_srinit_start() {
    local id=$1
    shift
    srinit_start "$app" "$@" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
    rules_wait "$app" -4 '^1001:.*from 198\.18\.4\.10 ' ||
        fail "$id srinit adds its rules" "no rule for 198.18.4.10 within 3 seconds"
    server_wait "$app" 80
}
