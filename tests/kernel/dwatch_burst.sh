#!/usr/bin/env bash
# A burst of 2000 addresses added and 1500 of them removed (ip -batch) while srinit runs
# with a small event socket receive buffer (SRINIT_EVENT_BUFFER), so that notifications are
# lost. Afterwards srinit's rules and routes match the final state exactly.
source "$(dirname "$0")/lib.sh"
require_root

# Prints the address of index I: 198.19.S.H, 200 per /24, S from 10 on and H from 2 on.
address_of() {
    echo "198.19.$((10 + $1 / 200)).$((2 + $1 % 200))"
}

# Prints `address add` lines for indexes 0 to 1999, then `address del` lines for 1999 down
# to 500. Deleting in reverse order removes the secondary addresses of a prefix before its
# primary, whose deletion would take the secondaries with it and fail the next line.
burst_batch() {
    local i
    for ((i = 0; i < 2000; i++)); do
        echo "address add $(address_of $i)/24 dev eth0"
    done
    for ((i = 1999; i >= 500; i--)); do
        echo "address del $(address_of $i)/24 dev eth0"
    done
}

# Prints the `from` rules srinit should have: eth0's first address and the kept ones.
expected_rules() {
    local i
    {
        echo "from 198.18.1.2 lookup $table proto 83"
        for ((i = 0; i < 500; i++)); do
            echo "from $(address_of $i) lookup $table proto 83"
        done
    } | sort
}

actual_rules() {
    ip -n "$app" -4 rule show | sed -n 's/^1001:[[:space:]]*//p' | sort
}

# Waits at most SECONDS until the `from` rules stop changing for half a second.
rules_settle() {
    local limit=$1 previous="" current stable=0 i
    for i in $(seq $((limit * 10))); do
        current=$(actual_rules | md5sum)
        if [[ "$current" == "$previous" ]]; then
            ((++stable >= 5)) && return 0
        else
            stable=0
        fi
        previous=$current
        sleep 0.1
    done
    return 1
}

ns_add app
ns_add peer
KT_DUMP_NS=$app
veth_add "$peer" p0 "$app" eth0
addr_add "$app" eth0 198.18.1.2/24
require_srinit
table=$(table_of "$app" eth0)

SRINIT_EVENT_BUFFER=4096 srinit_start "$app" -- /bin/busybox sleep 120
rules_wait "$app" -4 '^1001:.*from 198\.18\.1\.2 ' || fail "burst: srinit starts" "no rule"

burst_batch >"$KT_TMP/burst.batch"
ip -n "$app" -batch "$KT_TMP/burst.batch" || fail "burst: ip -batch" "ip -batch failed"

if rules_settle 30; then
    pass "burst: rules settle"
else
    fail "burst: rules settle" "rules still changing after 30 s"
fi
diff_lines=$(diff <(expected_rules) <(actual_rules) | grep -c '^[<>]')
if [[ "$diff_lines" -eq 0 ]]; then
    pass "burst: rules match the final addresses"
else
    fail "burst: rules match the final addresses" \
        "$diff_lines rules differ: $(diff <(expected_rules) <(actual_rules) | grep '^[<>]' | head -n 4 | tr '\n' ' ')"
fi

# The final state has connected prefixes 198.18.1.0/24 and 198.19.10.0/24 to 198.19.12.0/24.
routes=$(ip -n "$app" -4 route show table "$table" | grep -v '^default' | cut -d' ' -f1 | sort | tr '\n' ' ')
expected="198.18.1.0/24 198.19.10.0/24 198.19.11.0/24 198.19.12.0/24 "
if [[ "$routes" == "$expected" ]]; then
    pass "burst: table matches the final prefixes"
else
    fail "burst: table matches the final prefixes" "table $table has $routes, expected $expected"
fi
check_line "burst: default route kept" '^default via 198\.18\.1\.1 dev eth0 proto 83' \
    ip -n "$app" -4 route show table "$table"
if grep -q 'netlink events were lost' "$SRINIT_LOG"; then
    pass "burst: lost events reported ($(grep -c 'events were lost' "$SRINIT_LOG") warnings)"
else
    skip "burst: lost events reported" "the 4096-byte buffer did not overflow on this machine"
fi

srinit_stop
check_status "burst: srinit exits with the child's status" 143 $?
finish
