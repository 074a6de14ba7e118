#!/usr/bin/env bash
# Runs every test tier of srinit and prints one summary line at the end:
#   "N passed, N failed" (", N skipped" appended when anything was skipped).
# Tiers: the doctest unit tests ($BUILD/unit-tests), the kernel tests in network namespaces
# (tests/kernel/*.sh, as root) and the init conformance tests (tests/conformance/run.sh).
# Exit status 1 when any test failed.
#
# Environment: BUILD (build directory, default "build"), KERNEL_TEST_TIMEOUT (seconds one
# kernel test script may run before it is stopped and counted as failed, default 180).

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export BUILD=${BUILD:-build}
KERNEL_TEST_TIMEOUT=${KERNEL_TEST_TIMEOUT:-180}

passed=0
failed=0
skipped=0
skip_reasons=()
log=$(mktemp "${TMPDIR:-/tmp}/srinit-run.XXXXXX")
trap 'rm -f "$log"' EXIT

# Records a skipped tier or script: counts it once and keeps its reason for the summary.
skip_tier() {
    echo "SKIP: $1 ($2)"
    skipped=$((skipped + 1))
    skip_reasons+=("$1 ($2)")
}

# Records a failure that printed no FAIL line of its own, such as a crash or a timeout.
fail_tier() {
    echo "FAIL: $1 ($2)"
    failed=$((failed + 1))
}

# Adds the PASS:, FAIL: and SKIP: lines of $log to the counters. Returns 1 when there were
# none at all.
count_protocol_lines() {
    local pass fail skip line
    pass=$(grep -c '^PASS: ' "$log")
    fail=$(grep -c '^FAIL: ' "$log")
    skip=$(grep -c '^SKIP: ' "$log")
    passed=$((passed + pass))
    failed=$((failed + fail))
    skipped=$((skipped + skip))
    while IFS= read -r line; do
        skip_reasons+=("${line#SKIP: }")
    done < <(grep '^SKIP: ' "$log")
    ((pass + fail + skip > 0))
}

run_unit_tests() {
    local binary=$BUILD/unit-tests summary numbers status
    [[ "$binary" = /* ]] || binary=$ROOT/$binary
    if [[ ! -x "$binary" ]]; then
        skip_tier "unit tests" "$binary not found: run make $BUILD/unit-tests"
        return
    fi

    echo "== unit tests: $binary"
    "$binary" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    summary=$(sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^\[doctest\] test cases:' | tail -n 1)
    if [[ -z "$summary" ]]; then
        fail_tier "unit tests" "no doctest summary line; exit status $status"
        return
    fi

    # "[doctest] test cases: 12 | 11 passed | 1 failed | 0 skipped"
    read -r -a numbers < <(sed -E 's/[^0-9]+/ /g' <<<"$summary")
    passed=$((passed + numbers[1]))
    failed=$((failed + numbers[2]))
    if ((numbers[3] > 0)); then
        skipped=$((skipped + numbers[3]))
        skip_reasons+=("unit tests (${numbers[3]} test cases skipped by doctest)")
    fi
    if ((status != 0 && numbers[2] == 0)); then
        fail_tier "unit tests" "exit status $status although no test case failed"
    fi
}

# Runs one kernel test script under a timeout, so that one hang cannot block the suite.
run_kernel_script() {
    local script=$1 name status
    name=$(basename "$script" .sh)
    echo "== kernel: $name"
    timeout -k 10 "$KERNEL_TEST_TIMEOUT" bash "$script" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    if ! count_protocol_lines; then
        fail_tier "$name" "printed no PASS, FAIL or SKIP line; exit status $status"
    elif ((status == 124 || status == 137)); then
        fail_tier "$name" "timed out after ${KERNEL_TEST_TIMEOUT}s"
    elif ((status != 0)) && ! grep -q '^FAIL: ' "$log"; then
        fail_tier "$name" "exit status $status without a FAIL line"
    fi
}

run_kernel_tests() {
    local script
    if [[ $EUID -ne 0 ]]; then
        skip_tier "kernel tests" "they need root to create network namespaces: run make test as root"
        return
    fi
    if ! ip netns list >/dev/null 2>&1; then
        skip_tier "kernel tests" "ip netns is not available: install iproute2"
        return
    fi
    for script in "$ROOT"/tests/kernel/*.sh; do
        case "$(basename "$script")" in
            lib*.sh | demo.sh) continue ;;
        esac
        run_kernel_script "$script"
    done
}

run_conformance_tests() {
    local script=$ROOT/tests/conformance/run.sh status
    if [[ ! -f "$script" ]]; then
        skip_tier "conformance tests" "$script not found"
        return
    fi
    echo "== conformance: $script"
    bash "$script" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    if ! count_protocol_lines; then
        fail_tier "conformance tests" "printed no PASS, FAIL or SKIP line; exit status $status"
    elif ((status != 0)) && ! grep -q '^FAIL: ' "$log"; then
        fail_tier "conformance tests" "exit status $status without a FAIL line"
    fi
}

cd "$ROOT" || exit 1
run_unit_tests
run_kernel_tests
run_conformance_tests

echo
summary="$passed passed, $failed failed"
if ((skipped > 0)); then
    reasons=$(printf '%s; ' "${skip_reasons[@]}")
    echo "skipped: ${reasons%; }"
    summary+=", $skipped skipped"
fi
echo "$summary"
((failed == 0))
