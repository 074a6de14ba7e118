#!/usr/bin/env bash
# The child inherits srinit's standard streams and nothing of srinit's own: the netlink
# request and event sockets, the signalfd and the epoll descriptor are all close-on-exec.
# A leaked descriptor is one the application never opened, and a leaked event socket would
# keep queueing notifications that no process reads.
source "$(dirname "$0")/lib.sh"
require_root

two_networks_build back-first 4
require_srinit
listing=$KT_TMP/descriptors

srinit_start "$app" -- /bin/sh -c "ls -l /proc/self/fd/ >$listing"
srinit_wait 5
check_status "child descriptors: srinit exits with the child" 0 $?

# The listing shows the descriptors of ls itself too, but never a socket or an anonymous inode.
check_no_line "child descriptors: no socket inherited" 'socket:' cat "$listing"
check_no_line "child descriptors: no signalfd or epoll inherited" 'anon_inode:' cat "$listing"
finish
