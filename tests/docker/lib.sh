# shellcheck shell=bash
# Helpers for srinit's Docker end-to-end tests: a private Docker engine in a network
# namespace of its own, images built FROM scratch, and the PASS/FAIL/SKIP protocol.
#
# Safety: dockerd runs as `nsenter --net=/run/netns/dkr-SUFFIX dockerd` with its own data
# root, exec root, socket, pid file and cgroup parent under /tmp/srinit-docker-SUFFIX, so
# its bridges, iptables rules and containers live in that namespace only. Every docker and
# docker-compose call goes to that socket (DOCKER_HOST). On exit (also on failure and
# Ctrl-C) the containers are removed, dockerd is stopped by its pid, the namespaces and
# cgroups of the run are deleted and the directory is removed. Docker networks use
# 198.18.0.0/15 only; nothing is pulled.
#
# Environment: SRINIT (the binary; default ${BUILD:-build}/srinit), BUILD.

set -u

DK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DK_BUILD=${BUILD:-build}
[[ "$DK_BUILD" = /* ]] || DK_BUILD=$DK_ROOT/$DK_BUILD
SRINIT=${SRINIT:-$DK_BUILD/srinit}
# ns_sysctl, veth_add and addr_add, shared with the kernel tests.
# shellcheck source=tests/net_lib.sh
source "$DK_ROOT/tests/net_lib.sh"
[[ "$SRINIT" = /* ]] || SRINIT=$PWD/$SRINIT

DK_SUFFIX=$(printf '%s%04x' "$$" "$RANDOM")
FETCH_SUFFIX=-$DK_SUFFIX
DK_DIR=/tmp/srinit-docker-$DK_SUFFIX
DK_NS=dkr-$DK_SUFFIX # dockerd's namespace: the "Docker host"
DK_NAMESPACES=()
DK_PIDS=()
DK_DOCKERD_PID="" # the nsenter process that runs dockerd
DK_PASSED=0
DK_FAILED=0
DK_SKIPPED=0
DK_DUMP_CONTAINER="" # the container whose rules and routes a FAIL line dumps
FETCH_TIMEOUT=2   # seconds: the failing half of a scenario waits this long per fetch

# /usr/local/bin/docker may be another client than Debian's docker.io, which matches dockerd.
DOCKER=/usr/bin/docker
[[ -x "$DOCKER" ]] || DOCKER=$(command -v docker || echo docker)
COMPOSE=$(command -v docker-compose || echo docker-compose)
BUSYBOX=/bin/busybox

export DOCKER_HOST=unix://$DK_DIR/docker.sock
export DOCKER_CONFIG=$DK_DIR/client # no credential helpers or contexts of the machine
export COMPOSE_INTERACTIVE_NO_CLI=1

# Directories that dockerd and containerd create outside their roots. They are removed at
# the end when empty and absent at the start.
DK_RUNTIME_DIRS=(/run/docker/plugins /run/docker /run/containerd/s /run/containerd)
DK_CREATED_DIRS=()
for dk_dir in "${DK_RUNTIME_DIRS[@]}"; do
    [[ -e "$dk_dir" ]] || DK_CREATED_DIRS+=("$dk_dir")
done

# ---- test protocol ----

pass() {
    echo "PASS: $1"
    DK_PASSED=$((DK_PASSED + 1))
}

# Prints the FAIL line, then the rules and routes of DK_DUMP_CONTAINER and its log.
fail() {
    echo "FAIL: $1 ($2)"
    DK_FAILED=$((DK_FAILED + 1))
    [[ -n "$DK_DUMP_CONTAINER" ]] || return 0
    container_dump "$DK_DUMP_CONTAINER" 2>&1 | sed 's/^/    /'
}

skip() {
    echo "SKIP: $1 ($2)"
    DK_SKIPPED=$((DK_SKIPPED + 1))
}

# Prints the closing count line and exits 1 when a check failed.
finish() {
    local line="$DK_PASSED passed, $DK_FAILED failed"
    ((DK_SKIPPED == 0)) || line+=", $DK_SKIPPED skipped"
    echo "$line"
    exit $((DK_FAILED > 0))
}

# Prints the rules, routes and last log lines of a running CONTAINER.
container_dump() {
    local pid
    pid=$(container_pid "$1")
    if [[ -n "$pid" ]]; then
        echo "ip rule:"
        nsenter -t "$pid" -n ip -4 rule show
        echo "ip -6 rule:"
        nsenter -t "$pid" -n ip -6 rule show
        echo "ip route show table all:"
        nsenter -t "$pid" -n ip -4 route show table all | grep -v ' table local '
        echo "ip -6 route show table all:"
        nsenter -t "$pid" -n ip -6 route show table all | grep -v ' table local '
    fi
    echo "docker logs $1:"
    "$DOCKER" logs --tail 20 "$1" 2>&1
}

# ---- cleanup ----

dk_cleanup() {
    local pid ns dir
    trap - EXIT INT TERM
    if [[ -S "$DK_DIR/docker.sock" ]]; then
        local containers
        mapfile -t containers < <("$DOCKER" ps -aq 2>/dev/null)
        ((${#containers[@]} == 0)) || "$DOCKER" rm -f "${containers[@]}" >/dev/null 2>&1
    fi
    dockerd_stop
    for pid in "${DK_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    for ns in "${DK_NAMESPACES[@]}"; do
        ip netns delete "$ns" 2>/dev/null
    done
    # Depth first, so each cgroup is empty when it is removed.
    find /sys/fs/cgroup -maxdepth 3 -depth -type d -path "*/srinit-docker-$DK_SUFFIX*" \
        -exec rmdir {} + 2>/dev/null
    for dir in "${DK_CREATED_DIRS[@]}"; do
        rmdir "$dir" 2>/dev/null
    done
    if [[ -d "$DK_DIR" ]]; then
        grep -o " ${DK_DIR}[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
        rm -rf "$DK_DIR"
    fi
}

trap dk_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the private engine ----

# Stops dockerd with SIGTERM (SIGKILL after 20 seconds), then every process still in its
# namespace: containerd and the shims that dockerd started there.
dockerd_stop() {
    local pid
    [[ -n "$DK_DOCKERD_PID" ]] || return 0
    pid=$(cat "$DK_DIR/docker.pid" 2>/dev/null)
    [[ -z "$pid" ]] || kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 80); do
        kill -0 "$DK_DOCKERD_PID" 2>/dev/null || break
        sleep 0.25
    done
    kill -KILL "$DK_DOCKERD_PID" ${pid:+"$pid"} 2>/dev/null
    wait "$DK_DOCKERD_PID" 2>/dev/null
    for pid in $(ip netns pids "$DK_NS" 2>/dev/null); do
        kill -KILL "$pid" 2>/dev/null
    done
    DK_DOCKERD_PID=""
}

# Creates namespace dkr-SUFFIX, starts dockerd in it with its own roots and socket, and
# waits until its API responds (at most 30 seconds). Returns 1 with the log's tail on failure.
dockerd_start() {
    mkdir -p "$DK_DIR/client" || return 1
    echo '{}' >"$DK_DIR/daemon.json"
    ip netns add "$DK_NS" || return 1
    DK_NAMESPACES+=("$DK_NS")
    ip -n "$DK_NS" link set lo up

    nsenter --net="/run/netns/$DK_NS" dockerd \
        --config-file "$DK_DIR/daemon.json" \
        --data-root "$DK_DIR/data" --exec-root "$DK_DIR/exec" \
        --pidfile "$DK_DIR/docker.pid" -H "$DOCKER_HOST" \
        --cgroup-parent "srinit-docker-$DK_SUFFIX" \
        --bridge=none --iptables=true --ip6tables=false --userland-proxy=false \
        >"$DK_DIR/dockerd.log" 2>&1 </dev/null &
    DK_DOCKERD_PID=$!

    for _ in $(seq 120); do
        "$DOCKER" version >/dev/null 2>&1 && return 0
        kill -0 "$DK_DOCKERD_PID" 2>/dev/null || break
        sleep 0.25
    done
    echo "dockerd did not start; the end of $DK_DIR/dockerd.log:" >&2
    tail -n 15 "$DK_DIR/dockerd.log" >&2
    return 1
}

# Skips the whole run (exit 0) when something the tests need is missing.
require_tools() {
    local missing=() tool
    if [[ $EUID -ne 0 ]]; then
        skip docker "needs root to run dockerd and create network namespaces"
        finish
    fi
    for tool in "$DOCKER" dockerd containerd runc "$COMPOSE" nsenter curl; do
        command -v "$tool" >/dev/null || missing+=("$tool")
    done
    if ((${#missing[@]})); then
        skip docker "missing ${missing[*]}; install docker.io, docker-compose and curl"
        finish
    fi
    if ! file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked'; then
        skip docker "$BUSYBOX is not statically linked; install busybox-static"
        finish
    fi
}

# ---- namespaces around the engine ----

# Creates namespace "dkr-ROLE-SUFFIX" with lo up and stores its name in the variable ROLE.
ns_add() {
    local name="dkr-$1-$DK_SUFFIX"
    ip netns add "$name" || exit 1
    DK_NAMESPACES+=("$name")
    ip -n "$name" link set lo up
    printf -v "$1" '%s' "$name"
}

# ---- images ----

# The page that the images serve: the compose example's content.
DK_WWW=$DK_ROOT/examples/compose/www
DK_PAGE=$(cat "$DK_WWW/index.html")
FETCH_PAGE=$DK_PAGE

# Builds image TAG FROM scratch holding busybox with the applet links sh and httpd, the
# compose example's www directory and, unless BINARY is empty, BINARY as /srinit with
# ENTRYPOINT ["/srinit", "--"]. CMD serves /www on port 8080.
image_build() {
    local tag=$1 binary=$2 context
    context=$(mktemp -d "$DK_DIR/context.XXXXXX")
    mkdir -p "$context/bin"
    cp "$BUSYBOX" "$context/bin/busybox"
    ln -s busybox "$context/bin/sh"
    ln -s busybox "$context/bin/httpd"
    cp -r "$DK_WWW" "$context/www"
    {
        echo "FROM scratch"
        echo "COPY bin /bin"
        echo "COPY www /www"
        if [[ -n "$binary" ]]; then
            cp "$binary" "$context/srinit"
            echo "COPY srinit /srinit"
            echo 'ENTRYPOINT ["/srinit", "--"]'
        fi
        echo 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]'
    } >"$context/Dockerfile"
    "$DOCKER" build -q -t "$tag" "$context" >"$DK_DIR/build.log" 2>&1 || {
        cat "$DK_DIR/build.log" >&2
        return 1
    }
}

# ---- clients and containers ----




# Prints the pid of running CONTAINER's first process, or nothing.
container_pid() {
    local pid
    pid=$("$DOCKER" inspect -f '{{.State.Pid}}' "$1" 2>/dev/null)
    [[ -z "$pid" || "$pid" == 0 ]] || echo "$pid"
}

# Waits until something listens on TCP PORT in running CONTAINER (at most 5 seconds).
container_listen_wait() {
    local pid
    for _ in $(seq 50); do
        pid=$(container_pid "$1")
        [[ -n "$pid" ]] && nsenter -t "$pid" -n ss -Htln "sport = :$2" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

# Waits at most 5 seconds until running CONTAINER has (present) or lacks (absent) an IPv4
# rule matching PATTERN (grep -E). Returns 1 on timeout.
container_rule_wait() {
    local container=$1 state=$2 pattern=$3 pid found
    for _ in $(seq 50); do
        pid=$(container_pid "$container")
        [[ -n "$pid" ]] || return 1
        found=absent
        nsenter -t "$pid" -n ip -4 rule show | grep -Eq -- "$pattern" && found=present
        [[ "$found" == "$state" ]] && return 0
        sleep 0.1
    done
    return 1
}

# Prints the IPv4 address of CONTAINER on docker network NETWORK.
container_address() {
    "$DOCKER" inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
}
