#!/bin/bash
# srinit end to end on a real Docker engine (make test-docker), as root. A private dockerd
# runs in network namespace dkr-SUFFIX, which plays the Docker host: it routes between its
# bridges and an uplink to the namespace "out" with strict reverse path filtering
# (rp_filter=1, as RHEL and Fedora hosts have), and its veth "lan" leads to a LAN router
# namespace with a client subnet behind it. Images are built FROM scratch from the static
# srinit, Debian's static busybox and the compose example's page. Each scenario first
# shows the failure without srinit, where there is one, then the same under srinit:
#   macvlan     bridge network (default route) plus a macvlan network on "lan"; a client
#               behind the LAN router fetches from the macvlan address
#   compose     examples/compose/docker-compose.yml unchanged; a client behind the uplink
#               fetches the published port and web's front-tier address
#   stop        docker stop ends the child with SIGTERM (exit 143); a child's exit 3 is kept
#   no-cap      without NET_ADMIN the child runs and one warning names CAP_NET_ADMIN; with
#               it, the child's bounding set lacks CAP_NET_ADMIN
#   image       the image contains srinit, busybox and the page only
#   connect     docker network connect / disconnect on a running container
# Before the engine starts, the build steps of Dockerfile.example run on this machine.
set -u

# shellcheck source-path=SCRIPTDIR
source "$(dirname "$0")/lib.sh"

LAN_ADDRESS_PLAIN=198.19.10.2  # macvlan address of the container without srinit
LAN_ADDRESS_SRINIT=198.19.10.3 # and of the one under srinit (no stale neighbour entry)
PROJECT=srdk$DK_SUFFIX
COMPOSE_FILE=$DK_ROOT/examples/compose/docker-compose.yml
out="" router="" lanclient="" # namespace names, set by topology_build

# The Docker host's uplink to namespace "out" (198.19.0.0/24), rp_filter=1, and a
# DOCKER-USER rule that lets routed clients reach container addresses, as a host that
# routes to its container networks has. The LAN: "lan" (the macvlan parent) to router
# namespace "router" (198.19.10.1), whose client namespace "lanclient" is 198.19.20.2.
topology_build() {
    ns_add out
    ns_add router
    ns_add lanclient

    veth_add "$DK_NS" uplink "$out" eth0
    addr_add "$DK_NS" uplink 198.19.0.1/24
    addr_add "$out" eth0 198.19.0.2/24
    ip -n "$out" route add default via 198.19.0.1 || exit 1
    ns_sysctl "$DK_NS" net.ipv4.conf.all.rp_filter=1
    ip netns exec "$DK_NS" iptables -w -I DOCKER-USER -i uplink -j ACCEPT || exit 1

    veth_add "$DK_NS" lan "$router" lan
    veth_add "$router" clients "$lanclient" eth0
    addr_add "$router" lan 198.19.10.1/24
    addr_add "$router" clients 198.19.20.1/24
    ns_sysctl "$router" net.ipv4.ip_forward=1
    addr_add "$lanclient" eth0 198.19.20.2/24
    ip -n "$lanclient" route add default via 198.19.20.1 || exit 1

    "$DOCKER" network create --subnet 198.18.10.0/24 appnet >/dev/null || exit 1
    "$DOCKER" network create -d macvlan --subnet 198.19.10.0/24 --gateway 198.19.10.1 \
        -o parent=lan lan >/dev/null || exit 1
}

# Creates container NAME from IMAGE on appnet, connects it to the macvlan network with
# ADDRESS, starts it and waits for its server.
macvlan_container_start() {
    local name=$1 image=$2 address=$3
    shift 3
    "$DOCKER" create --name "$name" --network appnet "$@" "$image" >/dev/null &&
        "$DOCKER" network connect --ip "$address" lan "$name" &&
        "$DOCKER" start "$name" >/dev/null &&
        container_listen_wait "$name" 8080
}

scenario_macvlan() {
    DK_DUMP_CONTAINER=macvlan-plain
    if macvlan_container_start macvlan-plain plain "$LAN_ADDRESS_PLAIN"; then
        check_fetch "macvlan same subnet without srinit" "$router" \
            "http://$LAN_ADDRESS_PLAIN:8080/"
        check_fetch_times_out "macvlan routed client times out without srinit" "$lanclient" \
            "http://$LAN_ADDRESS_PLAIN:8080/"
    else
        fail "macvlan container without srinit" "it did not start or listen"
    fi
    "$DOCKER" rm -f macvlan-plain >/dev/null

    [[ -n "$APP" ]] || return 0
    DK_DUMP_CONTAINER=macvlan-srinit
    if ! macvlan_container_start macvlan-srinit "$APP" "$LAN_ADDRESS_SRINIT" \
        --cap-add NET_ADMIN; then
        fail "macvlan container under srinit" "it did not start or listen"
        return
    fi
    container_rule_wait macvlan-srinit present "from $LAN_ADDRESS_SRINIT lookup" ||
        fail "macvlan rule under srinit" "no rule from $LAN_ADDRESS_SRINIT within 5 seconds"
    check_fetch "macvlan routed client under srinit" "$lanclient" \
        "http://$LAN_ADDRESS_SRINIT:8080/"
    "$DOCKER" rm -f macvlan-srinit >/dev/null
}

# Runs docker-compose on the example file and the extra files given with -f.
compose() {
    (cd "$DK_DIR" && "$COMPOSE" -p "$PROJECT" -f "$COMPOSE_FILE" "$@") \
        >>"$DK_DIR/compose.log" 2>&1
}

# Checks the published port, which works either way because Docker maps it to the
# network with the default route, and web's front-tier address, which times out without
# srinit.
compose_fetch_checks() {
    local mode=$1 web=${PROJECT}_web_1
    DK_DUMP_CONTAINER=$web
    if ! container_listen_wait "$web" 8080; then
        fail "compose web $mode" "$web does not listen on port 8080"
        return
    fi
    check_fetch "compose published port $mode" "$out" "http://198.19.0.1:8080/"
    if [[ "$mode" == "without srinit" ]]; then
        check_fetch_times_out "compose front-tier times out $mode" "$out" "http://198.18.1.2:8080/"
        return
    fi
    container_rule_wait "$web" present "from 198.18.1.2 lookup" ||
        fail "compose front-tier rule" "no rule from 198.18.1.2 within 5 seconds"
    check_fetch "compose front-tier $mode" "$out" "http://198.18.1.2:8080/"
    if "$DOCKER" logs "$web" 2>&1 | grep -Eq 'srinit: info: .*198\.18\.1\.2.*gateway 198\.18\.1\.1'; then
        pass "compose gateway from SRINIT_GATEWAYS"
    else
        fail "compose gateway from SRINIT_GATEWAYS" "no info line names gateway 198.18.1.1"
    fi
}

scenario_compose() {
    {
        echo "services:"
        printf '  %s:\n    entrypoint: ["/bin/busybox", "env"]\n' web db
    } >"$DK_DIR/no-srinit.yml"
    DK_DUMP_CONTAINER=""
    "$DOCKER" tag "${APP:-plain}" srinit-example-web || exit 1
    if compose -f "$DK_DIR/no-srinit.yml" up -d --no-build; then
        compose_fetch_checks "without srinit"
    else
        fail "compose up without srinit" "$(tail -n 3 "$DK_DIR/compose.log")"
    fi
    compose -f "$DK_DIR/no-srinit.yml" down -t 0

    [[ -n "$APP" ]] || return 0
    if compose up -d --no-build; then
        compose_fetch_checks "under srinit"
    else
        fail "compose up under srinit" "$(tail -n 3 "$DK_DIR/compose.log")"
    fi
    compose down -t 5
}

# Prints the seconds `docker stop` takes for CONTAINER, with any extra options.
stop_seconds() {
    local start=$EPOCHREALTIME
    "$DOCKER" stop "$@" >/dev/null
    echo "$start $EPOCHREALTIME" | awk '{ printf "%.1f", $2 - $1 }'
}

scenario_stop() {
    local seconds status
    DK_DUMP_CONTAINER=""
    "$DOCKER" run -d --name stop-plain --network none plain >/dev/null
    container_listen_wait stop-plain 8080
    seconds=$(stop_seconds -t 2 stop-plain)
    status=$("$DOCKER" inspect -f '{{.State.ExitCode}}' stop-plain)
    if [[ "$status" == 137 ]]; then
        pass "stop without init needs SIGKILL"
    else
        fail "stop without init needs SIGKILL" "exit code $status after ${seconds}s, expected 137"
    fi
    [[ -n "$APP" ]] || return 0

    "$DOCKER" run -d --name stop-srinit --network none "$APP" >/dev/null
    container_listen_wait stop-srinit 8080
    seconds=$(stop_seconds stop-srinit)
    status=$("$DOCKER" inspect -f '{{.State.ExitCode}}' stop-srinit)
    if [[ "$status" == 143 ]] && awk -v s="$seconds" 'BEGIN { exit !(s < 5) }'; then
        pass "stop under srinit exits 143"
    else
        fail "stop under srinit exits 143" "exit code $status after ${seconds}s"
    fi

    "$DOCKER" run --name exit-status --network none "$APP" sh -c 'exit 3' >/dev/null 2>&1
    status=$?
    if [[ $status -eq 3 ]]; then
        pass "child exit status 3 kept"
    else
        fail "child exit status 3 kept" "docker run returned $status"
    fi
}

scenario_no_net_admin() {
    local status output count
    DK_DUMP_CONTAINER=""
    output=$("$DOCKER" run --name no-cap --network appnet "$APP" sh -c 'echo child ran' 2>&1)
    status=$?
    if [[ $status -eq 0 && "$output" == *"child ran"* ]]; then
        pass "no NET_ADMIN child runs"
    else
        fail "no NET_ADMIN child runs" "status $status, output: $output"
    fi
    count=$("$DOCKER" logs no-cap 2>&1 | grep -c 'srinit: warning: .*CAP_NET_ADMIN')
    if [[ "$count" == 1 ]]; then
        pass "no NET_ADMIN one warning"
    else
        fail "no NET_ADMIN one warning" "$count warnings name CAP_NET_ADMIN: $output"
    fi
}

# srinit keeps CAP_NET_ADMIN (bit 12) for itself and drops it from the child's bounding set.
scenario_child_capability() {
    local bounding
    DK_DUMP_CONTAINER=""
    bounding=$("$DOCKER" run --rm --network appnet --cap-add NET_ADMIN "$APP" \
        sh -c 'grep CapBnd /proc/self/status' 2>/dev/null | awk '{ print $2 }')
    if [[ -z "$bounding" ]]; then
        fail "child drops CAP_NET_ADMIN" "no CapBnd line from the child"
    elif (((16#$bounding >> 12) & 1)); then
        fail "child drops CAP_NET_ADMIN" "the child's bounding set $bounding has it"
    else
        pass "child drops CAP_NET_ADMIN"
    fi
}

# Entries that every container has in `docker export`, made by Docker, not by the image.
DOCKER_ENTRIES='^(\.dockerenv|dev/.*|proc/|sys/|etc/|etc/(hostname|hosts|resolv\.conf|mtab))$'

scenario_image() {
    local entries expected
    expected=$(printf '%s\n' bin/ bin/busybox bin/httpd bin/sh srinit www/ www/index.html)
    "$DOCKER" create --name exported "$APP" >/dev/null
    entries=$("$DOCKER" export exported | tar t | grep -Ev "$DOCKER_ENTRIES" | sort)
    if [[ "$entries" == "$expected" ]]; then
        pass "image contains only srinit, busybox, page"
    else
        fail "image contains only srinit, busybox, page" "entries: $(echo "$entries" | tr '\n' ' ')"
    fi
}

# Connects running CONTAINER to network "late" with ADDRESS.
late_connect() {
    "$DOCKER" network connect --ip "$2" late "$1"
}

scenario_connect() {
    local connected=""
    "$DOCKER" network create --subnet 198.18.30.0/24 late >/dev/null || exit 1

    DK_DUMP_CONTAINER=connect-plain
    "$DOCKER" run -d --name connect-plain --network appnet plain >/dev/null
    container_listen_wait connect-plain 8080
    late_connect connect-plain 198.18.30.2
    check_fetch_times_out "connected network times out without srinit" "$out" "http://198.18.30.2:8080/"
    "$DOCKER" rm -f connect-plain >/dev/null
    [[ -n "$APP" ]] || return 0

    DK_DUMP_CONTAINER=connect-srinit
    "$DOCKER" run -d --name connect-srinit --network appnet --cap-add NET_ADMIN "$APP" >/dev/null
    container_listen_wait connect-srinit 8080
    container_rule_wait connect-srinit present 'from 198\.18\.10\.'
    late_connect connect-srinit 198.18.30.3
    if container_rule_wait connect-srinit present 'from 198\.18\.30\.3 lookup'; then
        pass "connected network gets a rule"
        connected=yes
    else
        fail "connected network gets a rule" "no rule from 198.18.30.3 within 5 seconds"
    fi
    check_fetch "connected network under srinit" "$out" "http://198.18.30.3:8080/"

    "$DOCKER" network disconnect late connect-srinit
    if [[ -z "$connected" ]]; then
        skip "disconnected network loses its rule" "the connected network never got one"
    elif container_rule_wait connect-srinit absent 'from 198\.18\.30\.3 lookup'; then
        pass "disconnected network loses its rule"
    else
        fail "disconnected network loses its rule" "rule from 198.18.30.3 still there after 5 seconds"
    fi
    if container_rule_wait connect-srinit present 'from 198\.18\.10\.[0-9]+ lookup'; then
        pass "first network keeps its rule"
    else
        fail "first network keeps its rule" "no rule from its 198.18.10.0/24 address"
    fi
    check_fetch "first network after disconnect" "$out" \
        "http://$(container_address connect-srinit appnet):8080/"
}

# Dockerfile.example's build stage cannot run here (its base image cannot be pulled), so
# this runs its steps on this machine: only the paths its build stage copies, then the
# same `make deps` and `make`. A source directory that the COPY lines miss fails here.
# The libmnl.a of this checkout's build is put in place first, so nothing is downloaded.
scenario_dockerfile_build() {
    local context=$DK_ROOT dir=$DK_DIR/dockerfile-build path
    mkdir -p "$dir/src/build/libmnl"
    cp -L "$DK_BUILD/libmnl/libmnl.a" "$dir/src/build/libmnl/libmnl.a" || {
        skip "Dockerfile.example build stage" "no $DK_BUILD/libmnl/libmnl.a; run make first"
        return
    }
    # COPY lines of the first stage, without --from: "COPY SOURCE... DESTINATION".
    for path in $(awk '/^FROM / { stage++ } stage == 1 && /^COPY / && !/--from/ {
            for (i = 2; i < NF; i++) print $i }' "$context/Dockerfile.example"); do
        cp -r "$context/$path" "$dir/src/" || {
            fail "Dockerfile.example build stage" "COPY source $path not found"
            return
        }
    done
    # BUILD is unset because the Dockerfile builds into the default build/.
    if (cd "$dir/src" && unset BUILD && SRINIT_DEPS=build make deps && make -j2) \
        >"$dir/make.log" 2>&1 &&
        file -L "$dir/src/build/srinit" | grep -q 'statically linked'; then
        pass "Dockerfile.example build stage"
    else
        fail "Dockerfile.example build stage" "$(tail -n 3 "$dir/make.log" | tr '\n' ' ')"
    fi
    for path in $(awk '/^FROM / { stage++ } stage == 2 && /^COPY / && !/--from/ {
            for (i = 2; i < NF; i++) print $i }' "$context/Dockerfile.example"); do
        [[ -e "$context/$path" ]] || fail "Dockerfile.example final stage" "$path not found"
    done
}

require_tools
scenario_dockerfile_build
if ! dockerd_start; then
    fail "dockerd starts" "see the lines above"
    finish
fi
image_build plain "" || exit 1
APP=""
if [[ -x "$SRINIT" ]]; then
    image_build app "$SRINIT" || exit 1
    APP=app
else
    skip "docker under srinit" "$SRINIT not found; run make first"
fi
topology_build

scenario_macvlan
scenario_compose
scenario_stop
scenario_connect
if [[ -n "$APP" ]]; then
    scenario_no_net_admin
    scenario_child_capability
    scenario_image
fi
finish
