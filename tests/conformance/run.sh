#!/usr/bin/env bash
# Black-box PID 1 conformance tests for srinit or any other container init. Each test runs
# the init as PID 1 of a new PID namespace (never in this machine's network namespace):
#
#   unshare --fork --pid --mount-proc --net --kill-child INIT [MODE] [ARGS] COMMAND
#
# and prints "PASS: name", "FAIL: name (reason)" or "SKIP: name (reason)". Every run has a
# deadline, so an init that hangs is a FAIL, not a hung suite. Needs root.
#
#   tests/conformance/run.sh                            $BUILD/srinit --no-routing --
#   tests/conformance/run.sh INIT [ARGS-BEFORE-COMMAND] e.g. /usr/bin/tini-static --
#
# MODE is the option that selects a behaviour on inits that have one: -g (signals to the
# process group), tini's -s (subreaper) and -e (exit remap), srinit's --remap-exit and
# --grace. The init is recognised by its file name. Environment: BUILD (default "build")
# for the helpers sigecho and spawn_orphans, built from tests/conformance/*.cpp;
# CONFORMANCE_CASES, the check_* functions to run instead of all (e.g. "check_grace").

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
[[ "$BUILD" = /* ]] || BUILD=$ROOT/$BUILD

if (($# == 0)); then
    INIT=$BUILD/srinit
    INIT_ARGS=(--no-routing --)
else
    INIT=$1
    shift
    INIT_ARGS=("$@")
fi
[[ "$INIT" = /* ]] || INIT=$(command -v "$INIT" 2>/dev/null || echo "$PWD/$INIT")

SIGECHO=$BUILD/sigecho
SPAWN_ORPHANS=$BUILD/spawn_orphans
TMP=$(mktemp -d "${TMPDIR:-/tmp}/srinit-conformance.XXXXXX")
UNSHARE_PID=""   # the unshare process of the run started last
STATUS=""        # its exit status, or "timeout"
ELAPSED_MS=0     # how long it ran
PREFIX=()        # a command between unshare and the init, such as a signal state wrapper
MODE=()          # options put before INIT_ARGS for one test
STDIN=/dev/null
WITHOUT_INIT=no  # "yes": launch runs the command as PID 1 itself, for a baseline

cleanup() {
    trap - EXIT INT TERM
    if [[ -n "$UNSHARE_PID" ]]; then
        kill -KILL "$UNSHARE_PID" 2>/dev/null
        wait "$UNSHARE_PID" 2>/dev/null
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A FIFO without a writer: `read -t` on it sleeps without forking sleep(1).
mkfifo "$TMP/nap"
exec {NAP_FD}<>"$TMP/nap"
nap() { read -r -t "$1" -u "$NAP_FD"; }

# ---- which init this is ----

case "$(basename "$INIT")" in
    srinit*) KIND=srinit ;;
    tini*) KIND=tini ;;
    dumb-init*) KIND=dumb-init ;;
    catatonit*) KIND=catatonit ;;
    *) KIND=other ;;
esac

# Options for forwarding to the child only, and to the child's process group. dumb-init
# forwards to the group unless -c (--single-child).
CHILD_MODE=()
GROUP_MODE=(-g)
SUBREAPER_MODE=()
case "$KIND" in
    dumb-init) CHILD_MODE=(-c) GROUP_MODE=() ;;
    tini) SUBREAPER_MODE=(-s) ;;
    other) GROUP_MODE=(unsupported) ;;
esac

# ---- protocol ----

pass() { echo "PASS: $1"; }
skip() { echo "SKIP: $1 ($2)"; }

# Prints the FAIL line and the last lines the init and its child wrote to stderr.
fail() {
    echo "FAIL: $1 ($2)"
    if [[ -s "$TMP/err" ]]; then
        tail -n 5 "$TMP/err" | awk '{ print "    stderr: " $0 }'
    fi
}

# ---- running the init ----

# Starts INIT as PID 1 of new PID, mount and network namespaces with COMMAND as its child,
# in the background. Stdout and stderr go to $TMP/out and $TMP/err. bash starts background
# jobs with SIGINT and SIGQUIT ignored, so env resets both to give the init the signal
# state of a foreground command.
launch() {
    local init=("$INIT" "${MODE[@]}" "${INIT_ARGS[@]}")
    [[ "$WITHOUT_INIT" == yes ]] && init=()
    : >"$TMP/out"
    : >"$TMP/err"
    LAUNCHED_AT=${EPOCHREALTIME/./}
    env --default-signal=SIGINT,SIGQUIT unshare --fork --pid --mount-proc --net --kill-child \
        "${PREFIX[@]}" "${init[@]}" "$@" <"$STDIN" >"$TMP/out" 2>"$TMP/err" &
    UNSHARE_PID=$!
}

# Runs COMMAND as launch does, but as PID 1 itself: what the child would see without an init.
run_without_init() {
    WITHOUT_INIT=yes
    run_init "$@"
    WITHOUT_INIT=no
}

# Waits up to SECONDS for the run started by launch; sets STATUS (the exit status, or
# "timeout" after killing the run) and ELAPSED_MS. --kill-child makes the kernel kill the
# whole PID namespace when unshare is killed.
finish() {
    local deadline=$((${EPOCHREALTIME/./} + $1 * 1000000)) killed=no
    until has_exited "$UNSHARE_PID"; do
        if ((${EPOCHREALTIME/./} > deadline)); then
            kill -KILL "$UNSHARE_PID" 2>/dev/null
            killed=yes
            break
        fi
        nap 0.005
    done
    wait "$UNSHARE_PID" 2>/dev/null # no "Killed" job notice
    STATUS=$?
    [[ "$killed" == no ]] || STATUS=timeout
    UNSHARE_PID=""
    ELAPSED_MS=$(((${EPOCHREALTIME/./} - LAUNCHED_AT) / 1000))
}

# True when PID is gone or a zombie: bash may have reaped its background job already.
has_exited() {
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
    stat=${stat##*) }
    [[ "${stat:0:1}" == Z ]]
}

run_init() {
    local seconds=$1
    shift
    launch "$@"
    finish "$seconds"
}

# Prints the host pid of the init started by launch (the child of unshare), waiting up to
# two seconds for the fork.
init_pid() {
    local children="" tries
    for ((tries = 0; tries < 400; tries++)); do
        { read -r children <"/proc/$UNSHARE_PID/task/$UNSHARE_PID/children"; } 2>/dev/null
        [[ -n "$children" ]] && break
        nap 0.005
    done
    echo "${children%% *}"
}

# Waits up to SECONDS for FILE to exist.
wait_for_file() {
    local tries
    for ((tries = 0; tries < $2 * 200; tries++)); do
        [[ -e "$1" ]] && return 0
        nap 0.005
    done
    return 1
}

# Launches COMMAND and waits up to three seconds for $TMP/ready, which COMMAND creates once
# it can take signals. Prints FAIL for TEST and returns 1 when the file never appears.
launch_until_ready() {
    local test=$1
    shift
    rm -f "$TMP/ready"
    launch "$@"
    wait_for_file "$TMP/ready" 3 && return 0
    finish 1
    fail "$test" "the child did not become ready; status $STATUS"
    return 1
}

# Checks STATUS against EXPECTED; prints PASS or FAIL for NAME.
expect_status() {
    local name=$1 expected=$2
    if [[ "$STATUS" == "$expected" ]]; then
        pass "$name"
    elif [[ "$STATUS" == timeout ]]; then
        fail "$name" "timed out after ${ELAPSED_MS} ms; expected status $expected"
    else
        fail "$name" "exit status $STATUS, expected $expected"
    fi
}

signal_number() { kill -l "$1"; }

require_helpers() {
    if [[ ! -x "$SIGECHO" || ! -x "$SPAWN_ORPHANS" ]]; then
        echo "FAIL: conformance helpers ($SIGECHO or $SPAWN_ORPHANS is missing;" \
            "run make BUILD=${BUILD#"$ROOT"/} ${BUILD#"$ROOT"/}/sigecho ${BUILD#"$ROOT"/}/spawn_orphans)"
        exit 1
    fi
    if [[ ! -x "$INIT" ]]; then
        echo "FAIL: init binary ($INIT is missing or not executable)"
        exit 1
    fi
    if [[ $EUID -ne 0 ]]; then
        echo "SKIP: conformance tests (unshare --pid --net needs root)"
        exit 0
    fi
}

source "$ROOT/tests/conformance/signals.sh"
source "$ROOT/tests/conformance/processes.sh"

require_helpers
echo "# init: $INIT ${INIT_ARGS[*]} ($KIND)"
ulimit -c 0 # the children killed by SIGSEGV, SIGABRT and SIGQUIT dump no core
cd "$TMP" || exit 1
for cases in ${CONFORMANCE_CASES:-run_signal_cases run_process_cases}; do
    "$cases"
done
