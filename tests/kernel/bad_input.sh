#!/usr/bin/env bash
# Invalid input of every kind is rejected before anything changes: exit status 2 and one
# message on stderr that names the value.
source "$(dirname "$0")/lib.sh"
require_root

# Runs srinit in the app namespace with ENV (a word like VAR=value, or "-") and ARGS, then
# checks exit status 2, one stderr line containing VALUE, and unchanged routing.
#   bad_case NAME VALUE ENV ARGS...
bad_case() {
    local name=$1 value=$2 env=$3 status lines
    shift 3
    local environment=(PATH="$PATH")
    [[ "$env" == - ]] || environment+=("$env")
    timeout 10 ip netns exec "$app" env -i "${environment[@]}" "$SRINIT" "$@" \
        >"$KT_TMP/out" 2>"$KT_TMP/err" </dev/null
    status=$?
    check_status "bad input $name exits 2" 2 "$status"
    lines=$(grep -c . "$KT_TMP/err")
    if [[ "$lines" == 1 ]]; then
        pass "bad input $name prints one message"
    else
        fail "bad input $name prints one message" "$lines lines: $(tr '\n' ' ' <"$KT_TMP/err")"
    fi
    if grep -qF -- "$value" "$KT_TMP/err"; then
        pass "bad input $name message names the value"
    else
        fail "bad input $name message names the value" "no '$value' in: $(cat "$KT_TMP/err")"
    fi
    check_same "bad input $name changes nothing" "$before" "$(routing_snapshot "$app")"
}

two_networks_build back-first 46
require_srinit
before=$(routing_snapshot "$app")

bad_case "unknown option" --no-such-option - --no-such-option -- /bin/true
bad_case "malformed address" 198.18.2.300 - --gateway eth1=198.18.2.300 -- /bin/true
bad_case "malformed IPv6 address" fd00::zz - --gateway eth1=fd00::zz -- /bin/true
bad_case "malformed subnet" 198.18.2.0/33 - --gateway 198.18.2.0/33=198.18.2.1 -- /bin/true
bad_case "malformed number" ten - --table-base ten -- /bin/true
bad_case "number out of range" 4294967296 - --rule-priority 4294967296 -- /bin/true
bad_case "malformed duration" 5parsecs - --grace 5parsecs -- /bin/true
bad_case "malformed exit remap" 143 - --remap-exit 143 -- /bin/true
bad_case "missing command" command -
bad_case "missing command after --" command - --
bad_case "malformed variable" ten SRINIT_TABLE_BASE=ten -- /bin/true
bad_case "malformed variable gateway" nonsense SRINIT_GATEWAYS=eth1=nonsense -- /bin/true

# A command that cannot be found is not bad input (exit 127), but it is reported before
# routing changes too, in one message.
timeout 10 ip netns exec "$app" "$SRINIT" -- srinit-test-no-such-command \
    >"$KT_TMP/out" 2>"$KT_TMP/err" </dev/null
check_status "command not found exits 127" 127 $?
if [[ "$(grep -c . "$KT_TMP/err")" == 1 ]] && grep -q 'srinit-test-no-such-command" not found' "$KT_TMP/err"; then
    pass "command not found prints one message naming it"
else
    fail "command not found prints one message naming it" "$(tr '\n' ' ' <"$KT_TMP/err")"
fi
check_same "command not found changes nothing" "$before" "$(routing_snapshot "$app")"
finish
