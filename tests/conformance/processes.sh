# Process cases of the conformance suite, sourced by run.sh: exit statuses, reaping, exec
# failures, the subreaper outside a PID namespace, terminals, --grace, and what the child
# gets from the init (stdin, stdout, argv, environment, process group).

check_exit_statuses() {
    local status wrong=()
    for ((status = 0; status < 256; status++)); do
        run_init 5 sh -c "exit $status"
        [[ "$STATUS" == "$status" ]] || wrong+=("$status->$STATUS")
    done
    if ((${#wrong[@]} == 0)); then
        pass "exit statuses 0-255"
    else
        fail "exit statuses 0-255" "child status->init status: ${wrong[*]:0:8}"
    fi
}

check_exit_with_grandchild_running() {
    run_init 5 sh -c 'sleep 30 </dev/null >/dev/null 2>&1 & exit 4'
    expect_status "exit while grandchild runs" 4
}

check_reaping() {
    run_init 10 "$SPAWN_ORPHANS" reap 100
    expect_status "reap 100 orphans, no zombie" 0

    # The child exits together with an orphan: one SIGCHLD for two exits, 200 times.
    local run wrong=0 timeouts=0
    for ((run = 0; run < 200; run++)); do
        run_init 3 "$SPAWN_ORPHANS" race 7
        if [[ "$STATUS" == timeout ]]; then
            timeouts=$((timeouts + 1))
        elif [[ "$STATUS" != 7 ]]; then
            wrong=$((wrong + 1))
        fi
        ((timeouts > 2)) && break
    done
    if ((timeouts + wrong == 0)); then
        pass "child and orphan exit together x200"
    else
        fail "child and orphan exit together x200" \
            "$timeouts timeouts, $wrong wrong statuses in $run runs"
    fi
}

# ---- exec failures ----

make_exec_fixtures() {
    mkdir -p "$TMP/a-directory"
    printf '#!/nonexistent/interpreter\necho unreachable\n' >"$TMP/missing-interpreter"
    printf '#!/bin/sh\r\necho unreachable\r\n' >"$TMP/crlf-script"
    printf '#!/bin/sh\necho unreachable\n' >"$TMP/not-executable"
    printf 'echo no-shebang-ran\nexit 9\n' >"$TMP/no-shebang"
    chmod 755 "$TMP/missing-interpreter" "$TMP/crlf-script" "$TMP/no-shebang"
    chmod 644 "$TMP/not-executable"
}

check_exec_failures() {
    make_exec_fixtures
    run_init 5 "$TMP/no-such-file"
    expect_status "exec missing absolute path 127" 127
    if grep -qF "$TMP/no-such-file" "$TMP/err"; then
        pass "exec failure message names command"
    else
        fail "exec failure message names command" "stderr does not contain $TMP/no-such-file"
    fi
    run_init 5 srinit-conformance-no-such-command
    expect_status "exec PATH search miss 127" 127
    run_init 5 "$TMP/missing-interpreter"
    expect_status "exec missing interpreter 127" 127
    run_init 5 "$TMP/crlf-script"
    expect_status "exec CRLF script 127" 127
    if [[ "$KIND" != srinit ]]; then
        skip "exec CRLF message names CR" "a srinit message"
    elif grep -qiE 'CRLF|carriage return|\\r' "$TMP/err"; then
        pass "exec CRLF message names CR"
    else
        fail "exec CRLF message names CR" "stderr: $(head -c 300 "$TMP/err")"
    fi
    run_init 5 "$TMP/a-directory"
    expect_status "exec directory 126" 126
    run_init 5 "$TMP/not-executable"
    expect_status "exec without exec bit 126" 126

    run_init 5 "$TMP/no-shebang"
    if [[ "$STATUS" == 9 && "$(cat "$TMP/out")" == no-shebang-ran ]]; then
        pass "exec script without shebang runs in sh"
    else
        fail "exec script without shebang runs in sh" "status $STATUS, output '$(cat "$TMP/out")'"
    fi
}

# ---- subreaper outside a PID namespace ----

# Runs in sh as the init's child: makes an orphan, prints the shell's parent and the
# orphan's parent, then kills the orphan and prints "reaped" once it is gone.
ORPHAN_PARENT_SCRIPT='
(sleep 5 </dev/null >/dev/null 2>&1 & echo $! >"$0")
orphan=$(cat "$0")
while read -r key value; do [ "$key" = PPid: ] && parent=$value; done <"/proc/$orphan/status"
echo "$PPID $parent"
kill "$orphan"
for try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    [ -e "/proc/$orphan" ] || { echo reaped; exit 0; }
    sleep 0.05
done
echo "not reaped after 1 s: $(grep State: "/proc/$orphan/status" 2>/dev/null)"
'

check_subreaper() {
    local shell_parent orphan_parent reaped
    : >"$TMP/out"
    : >"$TMP/err"
    LAUNCHED_AT=${EPOCHREALTIME/./}
    unshare --net "$INIT" "${SUBREAPER_MODE[@]}" "${INIT_ARGS[@]}" \
        sh -c "$ORPHAN_PARENT_SCRIPT" "$TMP/orphan-pid" </dev/null >"$TMP/out" 2>"$TMP/err" &
    UNSHARE_PID=$!
    finish 5
    { read -r shell_parent orphan_parent && read -r reaped; } <"$TMP/out"
    if [[ -n "$orphan_parent" && "$orphan_parent" == "$shell_parent" ]]; then
        pass "subreaper adopts orphan when not PID 1"
    else
        fail "subreaper adopts orphan when not PID 1" \
            "orphan's parent is ${orphan_parent:-unknown}, the init is ${shell_parent:-unknown}"
    fi
    if [[ "$reaped" == reaped ]]; then
        pass "subreaper reaps orphan when not PID 1"
    else
        fail "subreaper reaps orphan when not PID 1" "${reaped:-no output}; status $STATUS"
    fi
}

# ---- terminals ----

# Writes drive_pty.py and job_control.sh. drive_pty.py runs COMMAND on a new pseudo-terminal,
# waits for MARKER in its output and types Ctrl-C when ACTION is "ctrl-c". It prints
# "exit N", "signal N" or "timeout", and copies the terminal's output to stderr.
write_pty_driver() {
    cat >"$TMP/drive_pty.py" <<'PYTHON'
import os, pty, select, signal, sys, time

marker, action, argv = sys.argv[1].encode(), sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    # Python ignores SIGPIPE and SIGXFSZ, and a background job SIGINT and SIGQUIT.
    for number in (signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(number, signal.SIG_DFL)
    os.execvp(argv[0], argv)
output, status = b"", None

def reaped():
    global status
    if status is not None:
        return True
    done, raw = os.waitpid(pid, os.WNOHANG)
    if done:
        status = raw
    return status is not None

def pump(seconds, until):
    global output
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not until():
        if select.select([fd], [], [], 0.05)[0]:
            try:
                output += os.read(fd, 4096)
            except OSError:
                time.sleep(0.05)
    return until()

if pump(5, lambda: marker in output) and action == "ctrl-c":
    os.write(fd, b"\x03")
if not pump(5, reaped):
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    print("timeout")
elif os.WIFSIGNALED(status):
    print("signal", os.WTERMSIG(status))
else:
    print("exit", os.WEXITSTATUS(status))
sys.stderr.write(output.decode(errors="replace"))
PYTHON
    cat >"$TMP/job_control.sh" <<'BASH'
sleep 3 &
job=$!
read -r -a job_stat <"/proc/$job/stat"
read -r -a shell_stat <"/proc/$$/stat"
if [[ "${job_stat[4]}" == "$job" && "${shell_stat[7]}" == "${shell_stat[4]}" ]]; then
    echo job-control-on
else
    echo "job-control-off: job pgrp ${job_stat[4]}, shell pgrp ${shell_stat[4]}, tty pgrp ${shell_stat[7]}"
fi
kill "$job"
BASH
}

# Runs COMMAND under the init on a pseudo-terminal; sets PTY_RESULT and $TMP/err.
run_on_pty() {
    local marker=$1 action=$2
    shift 2
    PTY_RESULT=$(timeout -k 1 15 python3 "$TMP/drive_pty.py" "$marker" "$action" \
        unshare --fork --pid --mount-proc --net --kill-child \
        "$INIT" "${INIT_ARGS[@]}" "$@" 2>"$TMP/err")
}

check_terminal() {
    if ! command -v python3 >/dev/null; then
        skip "terminal Ctrl-C exits 130" "python3 is missing"
        skip "terminal bash -m job control" "python3 is missing"
        return
    fi
    write_pty_driver
    # dash catches SIGINT under -c, so a Ctrl-C that comes while it forks sleep can be lost
    # in the fork. With exec, one process takes it either way.
    run_on_pty READY ctrl-c sh -c 'echo READY; exec sleep 30'
    if [[ "$PTY_RESULT" == "exit 130" ]]; then
        pass "terminal Ctrl-C exits 130"
    else
        fail "terminal Ctrl-C exits 130" "got '$PTY_RESULT'"
    fi

    run_on_pty job-control none bash --norc --noprofile -m "$TMP/job_control.sh"
    if [[ "$PTY_RESULT" == "exit 0" ]] && grep -q '^job-control-on' "$TMP/err"; then
        pass "terminal bash -m job control"
    else
        fail "terminal bash -m job control" \
            "$PTY_RESULT; $(grep -m1 -E 'job-control|no job control' "$TMP/err" | tr -d '\r')"
    fi
}

# ---- --grace ----

check_grace() {
    if [[ "$KIND" != srinit ]]; then
        skip "grace lets grandchild finish" "a srinit option"
        skip "grace ends when all exited" "a srinit option"
        return
    fi
    cat >"$TMP/trap_term.sh" <<'SH'
(
    trap 'sleep 0.3; echo cleaned >"$1"; exit 0' TERM
    : >"$2"
    while :; do sleep 0.05; done
) &
while [ ! -e "$2" ]; do sleep 0.01; done
exit 0
SH
    rm -f "$TMP/cleaned" "$TMP/ready"
    MODE=(--grace 3s)
    run_init 6 sh "$TMP/trap_term.sh" "$TMP/cleaned" "$TMP/ready"
    MODE=()
    if [[ "$STATUS" == 0 && "$(cat "$TMP/cleaned" 2>/dev/null)" == cleaned ]]; then
        pass "grace lets grandchild finish"
    else
        fail "grace lets grandchild finish" "status $STATUS, cleanup file: $(cat "$TMP/cleaned" 2>&1)"
    fi
    if [[ "$STATUS" != timeout ]] && ((ELAPSED_MS < 2500)); then
        pass "grace ends when all exited"
    else
        fail "grace ends when all exited" "ran ${ELAPSED_MS} ms with --grace 3s"
    fi
}

# ---- what the child gets ----

check_stdio() {
    printf 'first\n\tsecond\0third\nno final newline' >"$TMP/expected"
    run_init 5 sh -c "printf 'first\n\tsecond\0third\nno final newline'"
    if [[ "$STATUS" == 0 ]] && cmp -s "$TMP/out" "$TMP/expected"; then
        pass "stdout is the child's only"
    else
        fail "stdout is the child's only" "status $STATUS, stdout: $(od -c "$TMP/out" | head -3)"
    fi

    seq 1 2000 >"$TMP/input"
    STDIN=$TMP/input
    run_init 5 cat
    STDIN=/dev/null
    if [[ "$STATUS" == 0 ]] && cmp -s "$TMP/out" "$TMP/input"; then
        pass "stdin reaches child"
    else
        fail "stdin reaches child" "status $STATUS, $(wc -c <"$TMP/out") bytes out"
    fi
}

check_child_context() {
    local expected
    run_init 5 sh -c 'printf "[%s]" "$@"' sh 'a b' '' -- -g --help
    if [[ "$(cat "$TMP/out")" == '[a b][][--][-g][--help]' ]]; then
        pass "argv passed unchanged"
    else
        fail "argv passed unchanged" "child got $(cat "$TMP/out")"
    fi

    run_without_init 5 env
    expected=$(sort "$TMP/out")
    run_init 5 env
    if [[ "$(sort "$TMP/out")" == "$expected" ]]; then
        pass "environment passed unchanged"
    else
        fail "environment passed unchanged" \
            "$(diff <(echo "$expected") <(sort "$TMP/out") | grep '^[<>]' | head -3 | tr '\n' ' ')"
    fi

    run_init 5 sh -c 'read -r pid comm state parent group rest </proc/self/stat; echo "$pid $group"'
    read -r expected group <"$TMP/out"
    if [[ -n "$expected" && "$expected" == "$group" ]]; then
        pass "child leads own process group"
    else
        fail "child leads own process group" "child ${expected:-?} is in process group ${group:-?}"
    fi
}

run_process_cases() {
    check_exit_statuses
    check_exit_with_grandchild_running
    check_reaping
    check_exec_failures
    check_subreaper
    check_terminal
    check_grace
    check_stdio
    check_child_context
}
