#!/usr/bin/env bash
# `make demo`: builds the two-network topology in network namespaces of its own, shows a
# client's request timing out while the application runs without srinit, then the same
# request answered under srinit, and what srinit installed. Removes everything at the end.
source "$(dirname "$0")/lib.sh"

if [[ $EUID -ne 0 ]]; then
    echo "make demo needs root to create network namespaces; run it as root" >&2
    exit 1
fi
if [[ ! -x "$SRINIT" ]]; then
    echo "$SRINIT not found; run make first" >&2
    exit 1
fi

# Prints COMMAND... after a prompt, then runs it in the app namespace, output indented.
show() {
    echo "  \$ $*"
    ip netns exec "$app" "$@" 2>&1 | sed 's/^/    /'
}

published=$(url_of 198.19.0.1 8080)
two_networks_build back-first 4
front_table=$(table_of "$app" eth1)

cat <<TEXT
srinit demo: a container on two networks
(every namespace below belongs to this demo and is deleted when it ends)

  client 198.19.0.2 --- host 198.19.0.1 --+-- back  198.18.1.0/24 --- eth0 198.18.1.2 --+
                                          +-- front 198.18.2.0/24 --- eth1 198.18.2.2 --+-- app

- The app's default route goes through back (eth0), via 198.18.1.1.
- The host publishes port 8080 of its address 198.19.0.1 to the app's front address,
  198.18.2.2, port 80, the way Docker publishes a port.
- The host filters reverse paths strictly (rp_filter=1), as RHEL and Fedora hosts do.

1. The app runs a web server without srinit. Its routing:
TEXT
show ip rule
show ip route
server_start "$app" 80
echo
echo "   The client fetches $published:"
if output=$(fetch "$client" "$published"); then
    echo "    answered: $output (unexpected: this host does not reproduce the failure)"
else
    echo "    $output"
    cat <<TEXT
   The request reached the app through front, but the reply to 198.19.0.2 followed the
   default route out of eth0, with source 198.18.2.2. The host saw a front address arrive
   on back and dropped it, so the client's connection hangs.
TEXT
fi
pid_stop "${KT_PIDS[-1]}"

cat <<TEXT

2. The same server, now started by srinit as PID 1 of the container:
  \$ srinit -- busybox httpd -f -p 80 -h $KT_WWW
TEXT
srinit_start "$app" -- /bin/busybox httpd -f -p 80 -h "$KT_WWW"
rules_wait "$app" -4 '^1001:.*from 198\.18\.2\.2 '
server_wait "$app" 80
sed 's/^/    /' "$SRINIT_LOG"
echo
echo "   The client fetches $published again:"
if output=$(fetch "$client" "$published"); then
    echo "    answered: $output"
else
    echo "    $output (unexpected: see the rules below)"
fi

cat <<TEXT

3. What srinit installed. The rule at 1000 lets main decide everything but its default
   route; a reply from an address that main would send out of its default route falls to
   that address's rule at 1001 and to its interface's own table:
TEXT
show ip rule
show ip route show table "$front_table"
echo
echo "   The reply to the client now leaves through front, to front's gateway:"
show ip route get 198.19.0.2 from 198.18.2.2
echo "   Main is unchanged, so traffic without a source address still follows its default:"
show ip route

srinit_stop
echo
echo "srinit stopped; removing the demo's namespaces."
