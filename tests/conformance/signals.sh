# Signal cases of the conformance suite, sourced by run.sh: exit statuses of children killed
# by a signal, forwarding, signals that end the child, a signal during start-up, and the
# signal state the child inherits.

# Signals an init should forward: 1-31 without SIGKILL and SIGSTOP, which cannot be caught,
# and without SIGCHLD, the init's own. The fault signals SIGILL, SIGTRAP, SIGABRT, SIGBUS,
# SIGFPE, SIGSEGV and SIGSYS are left out too: the kernel sends them for the init's own
# faults, so srinit leaves them unblocked. Three real-time signals complete the list.
FORWARDED_SIGNALS=(1 2 3 10 12 13 14 15 16 18 20 21 22 23 24 25 26 27 28 29 30 34 37 64)

check_killed_status() {
    local name=$1 number
    number=$(signal_number "$name")
    run_init 5 sh -c "kill -s $name \$\$"
    expect_status "child killed by SIG$name exits $((128 + number))" $((128 + number))
}

# Sends signal NUMBER to the init once sigecho is ready and checks that it reached sigecho,
# and in group mode also the grandchild that sigecho -f forks into its process group.
check_forward() {
    local mode=$1 number=$2 name test pid expected output ready
    name=SIG$(kill -l "$number")
    test="forward $name to child"
    [[ "$mode" == group ]] && test="forward $name to process group"
    local options=(-r "$TMP/ready" -e "$number" -t 10)
    if [[ "$mode" == group ]]; then
        MODE=("${GROUP_MODE[@]}")
        options+=(-f)
        expected="$number grandchild $number"
    else
        MODE=("${CHILD_MODE[@]}")
        expected="$number"
    fi
    launch_until_ready "$test" "$SIGECHO" "${options[@]}"
    ready=$?
    MODE=()
    ((ready == 0)) || return

    pid=$(init_pid)
    kill -n "$number" "$pid"
    finish 2
    output=$(sort "$TMP/out" | tr '\n' ' ')
    output=${output% }
    if [[ "$STATUS" == timeout ]]; then
        fail "$test" "the child did not receive it within 2 s; it printed '$output'"
    elif [[ "$STATUS" != 0 || "$output" != "$expected" ]]; then
        fail "$test" "status $STATUS, the child printed '$output', expected '$expected'"
    else
        pass "$test"
    fi
}

check_forwarding() {
    local number
    for number in "${FORWARDED_SIGNALS[@]}"; do
        check_forward child "$number"
    done
    for number in "${FORWARDED_SIGNALS[@]}"; do
        if [[ "${GROUP_MODE[*]}" == unsupported ]]; then
            skip "forward SIG$(kill -l "$number") to process group" "no known process group option"
        else
            check_forward group "$number"
        fi
    done
}

# A shell that waits for sleep(1) dies of the forwarded signal, so the init exits 128+N
# long before sleep would end.
check_signal_ends_shell() {
    local name=$1 number pid test
    number=$(signal_number "$name")
    test="SIG$name to PID 1 ends shell child"
    launch_until_ready "$test" sh -c ': >"$0"; sleep 30; :' "$TMP/ready" || return
    pid=$(init_pid)
    kill -s "$name" "$pid"
    finish 5
    expect_status "$test" $((128 + number))
}

# True when PID already runs the init (not unshare before its exec) and can take SIGTERM:
# SIGTERM shows as blocked or caught, or the init has forked its child. Before that point
# the kernel drops a SIGTERM sent to a PID 1, which is no init's fault. The fork counts
# because an init waiting in sigtimedwait(2), as tini does, shows its waited signals as
# unblocked in /proc.
init_takes_sigterm() {
    local comm key value blocked=0 caught=0 children=""
    { read -r comm <"/proc/$1/comm"; } 2>/dev/null || return 1
    [[ "$comm" == "$INIT_COMM" ]] || return 1
    { read -r children <"/proc/$1/task/$1/children"; } 2>/dev/null
    [[ -n "$children" ]] && return 0
    {
        while read -r key value; do
            case "$key" in
                SigBlk:) blocked=$((16#$value)) ;;
                SigCgt:) caught=$((16#$value)) ;;
            esac
        done <"/proc/$1/status"
    } 2>/dev/null
    (((blocked | caught) & (1 << 14)))
}

# SIGTERM as early as the init can take it, 50 times. Correct outcomes: status 143 (the
# init or the child died of it), or status 0 after sigecho printed 15. A lost signal leaves
# sigecho waiting: a timeout.
check_sigterm_during_startup() {
    local test="SIGTERM during start-up" run pid tries before=0 after=0
    INIT_COMM=$(basename "$INIT" | cut -c1-15)
    for ((run = 0; run < 50; run++)); do
        launch "$SIGECHO" -e 15 -t 10
        pid=$(init_pid)
        for ((tries = 0; tries < 1000; tries++)); do
            init_takes_sigterm "$pid" && break
            nap 0.001
        done
        kill -TERM "$pid" 2>/dev/null
        finish 5
        if [[ "$STATUS" == 143 ]]; then
            before=$((before + 1))
        elif [[ "$STATUS" == 0 && "$(cat "$TMP/out")" == 15 ]]; then
            after=$((after + 1))
        else
            fail "$test" "run $run: status $STATUS, child printed '$(tr '\n' ' ' <"$TMP/out")'"
            return
        fi
    done
    echo "    (of 50 runs, $before ended with 143 because SIGTERM came before the child started," \
        "and $after forwarded it to the child)"
    pass "$test"
}

check_inherited_sigchld_ignore() {
    PREFIX=(perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV or die "exec $ARGV[0]: $!\n"')
    run_init 5 sh -c 'sleep 0.2; exit 5'
    expect_status "inherited SIGCHLD ignore, no hang" 5
    run_init 5 "$SPAWN_ORPHANS" race 6
    expect_status "inherited SIGCHLD ignore with orphan" 6
    PREFIX=()
}

check_signal_state() {
    local test=$1 line=$2 expected actual
    run_without_init 5 grep "^$line:" /proc/self/status
    expected=$(cat "$TMP/out")
    run_init 5 grep "^$line:" /proc/self/status
    actual=$(cat "$TMP/out")
    if [[ "$actual" == "$expected" ]]; then
        pass "$test"
    else
        fail "$test" "child has '$actual', expected '$expected' as without an init"
    fi
}

check_inherited_signal_state() {
    check_signal_state "child signal mask empty" SigBlk
    check_signal_state "child ignores nothing" SigIgn
    PREFIX=(perl -MPOSIX -e 'sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGUSR1));
        $SIG{USR2} = "IGNORE"; exec @ARGV or die "exec $ARGV[0]: $!\n"')
    check_signal_state "inherited signal mask in child" SigBlk
    check_signal_state "inherited ignore in child" SigIgn
    PREFIX=()
}

check_remap_exit() {
    local test="remap exit status 143 to 0"
    case "$KIND" in
        srinit) MODE=(--remap-exit 143=0) ;;
        tini) MODE=(-e 143) ;;
        *)
            skip "$test" "$KIND has no exit status remap"
            skip "remap leaves other statuses" "$KIND has no exit status remap"
            return
            ;;
    esac
    run_init 5 sh -c 'kill -TERM $$'
    expect_status "$test" 0
    run_init 5 sh -c 'exit 3'
    expect_status "remap leaves other statuses" 3
    MODE=()
}

run_signal_cases() {
    local name
    for name in TERM HUP QUIT KILL SEGV ABRT; do
        check_killed_status "$name"
    done
    check_remap_exit
    check_forwarding
    for name in TERM USR1 USR2; do
        check_signal_ends_shell "$name"
    done
    check_sigterm_during_startup
    check_inherited_sigchld_ignore
    check_inherited_signal_state
}
