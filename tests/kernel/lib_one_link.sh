# The smallest topology: namespace app with eth1 (198.18.2.2/24), a veth to namespace peer
# (198.18.2.1/24). Sourced after lib.sh by the tests of srinit's messages and exit statuses.

# Builds the topology, sets KT_DUMP_NS and TABLE (eth1's table under the default table base).
one_link_build() {
    ns_add app
    ns_add peer
    KT_DUMP_NS=$app
    veth_add "$app" eth1 "$peer" eth1
    addr_add "$app" eth1 198.18.2.2/24
    addr_add "$peer" eth1 198.18.2.1/24
    TABLE=$(table_of "$app" eth1)
}
