#!/usr/bin/env bash
# D2: D1 with the networks attached in the other order, so that front is eth0 and the
# default route goes through eth1: nothing may depend on interface names or order.
source "$(dirname "$0")/lib.sh"
require_root

published_port_scenario D2 front-first 4
finish
