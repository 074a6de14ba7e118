#!/usr/bin/env bash
# --dry-run prints the changes as ip(8) commands, changes nothing and exits 0. Its output,
# fed to `ip -batch`, produces the same rules and routes as a real run.
source "$(dirname "$0")/lib.sh"
require_root

# Feeds the ip commands in FILE to `ip -n NS -batch`, one batch per leading family option,
# because a batch line is a command without options.
ip_batch_apply() {
    local ns=$1 file=$2 family line
    for family in "" -4 -6; do
        while IFS= read -r line; do
            line=${line#ip }
            if [[ -z "$family" && "$line" != -[46]\ * ]]; then
                echo "$line"
            elif [[ -n "$family" && "$line" == "$family "* ]]; then
                echo "${line#"$family" }"
            fi
        done <"$file" >"$file.$family.batch"
        [[ -s "$file.$family.batch" ]] || continue
        ip -n "$ns" $family -batch "$file.$family.batch" || return 1
    done
}

two_networks_build back-first 46
require_srinit
before=$(routing_snapshot "$app")
output=$KT_TMP/dry-run.out
timeout 10 ip netns exec "$app" "$SRINIT" --dry-run -- /bin/true >"$output" 2>"$KT_TMP/dry-run.err"
check_status "dry run exits 0" 0 $?
check_same "dry run changes nothing" "$before" "$(routing_snapshot "$app")"
check_line "dry run prints a rule for front" '^ip (-4 )?rule add .*from 198\.18\.2\.2' cat "$output"
check_line "dry run prints IPv6 commands" '^ip -6 (rule|route) ' cat "$output"
check_no_line "dry run prints only ip commands" '^[^i]|^i[^p]|^ip[^ ]' grep . "$output"

if ip_batch_apply "$app" "$output"; then
    pass "dry run output accepted by ip -batch"
else
    fail "dry run output accepted by ip -batch" "ip -batch rejected a line of $(tr '\n' ';' <"$output")"
fi
from_batch=$(routing_snapshot "$app" | sort)

srinit_objects_flush "$app"
srinit_start "$app" --no-watch -- /bin/true
srinit_wait 5
check_status "real run exits 0" 0 $?
check_same "dry run output matches a real run" "$from_batch" "$(routing_snapshot "$app" | sort)"
finish
