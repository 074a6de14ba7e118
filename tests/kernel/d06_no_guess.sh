#!/usr/bin/env bash
# D6: D5 with --no-guess, so that no route names net1's gateway. srinit warns, naming net1
# and the --gateway option, and the client still times out. With the gateway given by
# interface name, and then by subnet, the client is answered.
source "$(dirname "$0")/lib.sh"
require_root

lan_build
require_srinit
url=$(url_of 198.18.4.10 80)
net1_table=$(table_of "$app" net1)

lan_srinit_start D6 --no-guess
check_fetch_times_out "D6 client times out with --no-guess" "$client" "$url"
check_no_line "D6 no default route without a gateway" '^default' \
    ip -n "$app" route show table "$net1_table"
check_line "D6 warning names net1 and --gateway" 'warn.*net1.*--gateway' cat "$SRINIT_LOG"
srinit_stop
srinit_objects_flush "$app"

lan_srinit_start "D6 by name" --no-guess --gateway net1=198.18.4.1
check_fetch "D6 client answered with --gateway by name" "$client" "$url"
check_line "D6 log names the option by name" 'net1.*198\.18\.4\.1.*--gateway' cat "$SRINIT_LOG"
srinit_stop
srinit_objects_flush "$app"

lan_srinit_start "D6 by subnet" --no-guess --gateway 198.18.4.0/24=198.18.4.1
check_fetch "D6 client answered with --gateway by subnet" "$client" "$url"
check_line "D6 log names the option by subnet" 'net1.*198\.18\.4\.1.*--gateway by subnet' cat "$SRINIT_LOG"
srinit_stop
check_status "D6 srinit exits with the child's status" 143 $?
finish
