// Building and parsing rtnetlink messages for the objects in objects.hpp.
//
// Builders take the message type and flags so that add, replace and delete share one
// function; they set every field of the family header and ask for an acknowledgement.
// Parsers skip unknown attributes, validate the known ones, and return nullopt for a
// message they cannot use (wrong type, truncated, an attribute of the wrong size).
#pragma once

#include "netlink/objects.hpp"

#include <cstdint>
#include <linux/netlink.h>
#include <optional>

namespace srinit {

// Buffer size that holds any single request built here.
constexpr size_t kMessageBufferSize = 512;

// Builds RTM_NEWROUTE or RTM_DELROUTE for `route` into `buffer` (kMessageBufferSize bytes).
// `flags` are added to NLM_F_REQUEST | NLM_F_ACK: NLM_F_CREATE | NLM_F_EXCL for add,
// NLM_F_CREATE | NLM_F_REPLACE for replace, 0 for delete. Tables of 256 and above go in
// RTA_TABLE as u32 with rtm_table set to RT_TABLE_UNSPEC.
nlmsghdr* build_route(void* buffer, uint16_t type, uint16_t flags, uint32_t sequence,
                      const Route& route);

// Builds RTM_NEWRULE or RTM_DELRULE for `rule` the same way, with FRA_TABLE as u32,
// FRA_PRIORITY always and FRA_PROTOCOL always.
nlmsghdr* build_rule(void* buffer, uint16_t type, uint16_t flags, uint32_t sequence,
                     const Rule& rule);

std::optional<Link> parse_link(const nlmsghdr* message);       // RTM_NEWLINK
std::optional<Address> parse_address(const nlmsghdr* message); // RTM_NEWADDR
std::optional<Route> parse_route(const nlmsghdr* message);     // RTM_NEWROUTE
std::optional<Rule> parse_rule(const nlmsghdr* message);       // RTM_NEWRULE

} // namespace srinit
