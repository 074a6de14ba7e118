// Building and parsing rtnetlink messages for the objects in objects.hpp.
//
// Builders take the message type and flags so that add, replace and delete share one
// function; they set every field of the family header and ask for an acknowledgement.
// Parsers skip unknown attributes, validate the known ones, and return nullopt for a
// message they cannot use (wrong type, truncated, an attribute of the wrong size, a route,
// address or rule of a family other than AF_INET and AF_INET6). They take the RTM_NEW* and
// the RTM_DEL* type of their object.
#pragma once

#include "netlink/objects.hpp"

#include <cstdint>
#include <linux/netlink.h>
#include <optional>
#include <string>

namespace srinit {

// Buffer size that fits any single request built here.
constexpr size_t kMessageBufferSize = 512;

// Builds RTM_NEWROUTE or RTM_DELROUTE for `route` into `buffer` (kMessageBufferSize bytes).
// `flags` are added to NLM_F_REQUEST | NLM_F_ACK: NLM_F_CREATE | NLM_F_EXCL for add,
// NLM_F_CREATE | NLM_F_REPLACE for replace, 0 for delete. RTA_TABLE (u32) is always sent;
// rtm_table is the table below 256 and RT_TABLE_UNSPEC from 256 on. rtm_flags carries only
// RTNH_F_ONLINK, because the kernel reports the other bits and rejects some in requests.
// RTA_DST is sent only for a dst length above 0, as the kernel reports it.
nlmsghdr* build_route(void* buffer, uint16_t type, uint16_t flags, uint32_t sequence,
                      const Route& route);

// Builds RTM_NEWRULE or RTM_DELRULE for `rule` the same way: FRA_TABLE (u32), FRA_PRIORITY
// and FRA_PROTOCOL always; frh.table as rtm_table above. FRA_SRC only for a src length above
// 0, FRA_SUPPRESS_PREFIXLEN when set, names and fwmark when not empty or 0. A name longer
// than IFNAMSIZ - 1 is sent cut to IFNAMSIZ bytes without its terminator, so the kernel
// rejects it instead of matching a shorter name.
nlmsghdr* build_rule(void* buffer, uint16_t type, uint16_t flags, uint32_t sequence,
                     const Rule& rule);

// A parsed route always has dst.address.family set, so a default route reads 0.0.0.0/0 or
// ::/0; a parsed rule without FRA_SRC has src = 0.0.0.0/0 or ::/0 ("from all") the same way.
// Gateway and prefsrc stay unset when absent.
std::optional<Link> parse_link(const nlmsghdr* message);       // RTM_NEWLINK, RTM_DELLINK
std::optional<Address> parse_address(const nlmsghdr* message); // RTM_NEWADDR, RTM_DELADDR
std::optional<Route> parse_route(const nlmsghdr* message);     // RTM_NEWROUTE, RTM_DELROUTE
std::optional<Rule> parse_rule(const nlmsghdr* message);       // RTM_NEWRULE, RTM_DELRULE

// The content of an NLMSG_ERROR message (an acknowledgement, error 0, or a failure) or of
// the NLMSG_DONE that ends a dump.
struct Acknowledgement {
    int error = 0;      // a positive errno value; the kernel sends it negated
    std::string extack; // NLMSGERR_ATTR_MSG, "" when absent
};

// Parses NLMSG_ERROR or NLMSG_DONE, with or without NLM_F_CAPPED and extended ack
// attributes (NLM_F_ACK_TLVS); nullopt for any other type or a truncated message.
std::optional<Acknowledgement> parse_acknowledgement(const nlmsghdr* message);

} // namespace srinit
