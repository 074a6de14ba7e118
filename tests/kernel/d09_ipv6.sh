#!/usr/bin/env bash
# D9: D1 over IPv6 with unique local prefixes (the gateway is each prefix's first address),
# then dual stack, where srinit sets up both families at once.
source "$(dirname "$0")/lib.sh"
require_root

published_port_scenario "D9" back-first 6
topology_reset
published_port_scenario "D9 dual stack" back-first 46
finish
