#!/usr/bin/env bash
# D1: the app is on `back` (eth0, the default route) and on `front` (eth1), where the host
# publishes a port. The client's request arrives on front and, without srinit, the reply
# leaves through back, where the host's strict reverse path filter drops it.
source "$(dirname "$0")/lib.sh"
require_root

published_port_scenario D1 back-first 4
finish
