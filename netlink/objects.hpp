// Plain structs for the rtnetlink objects srinit reads and writes: links, addresses, routes
// and rules, as parsed from dumps and as built into requests.
#pragma once

#include "netlink/address.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace srinit {

// The rtm_protocol / FRA_PROTOCOL value marking every route and rule srinit owns.
// 83 is not assigned in the kernel's RTPROT_* list nor iproute2's rt_protos.
constexpr uint8_t kProtocol = 83;

struct Link {
    uint32_t ifindex = 0;
    std::string name;
    uint32_t flags = 0; // IFF_* from ifi_flags
    std::string kind;   // IFLA_INFO_KIND ("veth", "macvlan", "bridge"); "" when absent

    bool is_loopback() const;
    bool is_up() const; // IFF_UP set
};

struct Address {
    uint32_t ifindex = 0;
    IpAddress local;      // IFA_LOCAL, or IFA_ADDRESS when there is no IFA_LOCAL
    uint8_t prefixlen = 0;
    uint8_t scope = 0;    // RT_SCOPE_*
    uint32_t flags = 0;   // IFA_F_*, from IFA_FLAGS when present

    bool is_tentative() const; // IFA_F_TENTATIVE: IPv6 duplicate address detection running
    Prefix prefix() const { return Prefix{local, prefixlen}; }
};

struct Route {
    uint8_t family = 0;
    uint32_t table = 0;      // RTA_TABLE (u32), falling back to rtm_table
    uint8_t protocol = 0;    // rtm_protocol
    uint8_t scope = 0;       // rtm_scope, RT_SCOPE_UNIVERSE for gateway routes
    uint8_t type = 1;        // rtm_type, RTN_UNICAST
    uint8_t tos = 0;
    Prefix dst;              // RTA_DST and rtm_dst_len; length 0 is a default route
    IpAddress gateway;       // RTA_GATEWAY; unset when on-link
    IpAddress prefsrc;       // RTA_PREFSRC; unset when absent
    uint32_t oif = 0;        // RTA_OIF
    uint32_t priority = 0;   // RTA_PRIORITY (the metric)
    uint32_t flags = 0;      // rtm_flags; only RTNH_F_ONLINK takes part in comparisons

    // Identity as the kernel keys it: family, table, dst, tos, priority. Two routes with the
    // same key cannot both exist.
    bool same_key(const Route& other) const;
    bool operator==(const Route& other) const;
    bool operator!=(const Route& other) const { return !(*this == other); }
};

struct Rule {
    uint8_t family = 0;
    uint32_t priority = 0;     // FRA_PRIORITY
    uint32_t table = 0;        // FRA_TABLE (u32), falling back to frh.table
    uint8_t protocol = 0;      // FRA_PROTOCOL
    uint8_t action = 1;        // frh.action, FR_ACT_TO_TBL
    Prefix src;                // FRA_SRC and frh.src_len; length 0 means "from all"
    std::optional<uint32_t> suppress_prefixlength; // FRA_SUPPRESS_PREFIXLEN when set
    std::string iifname;       // FRA_IIFNAME, "" when absent
    std::string oifname;       // FRA_OIFNAME, "" when absent
    uint32_t fwmark = 0;       // FRA_FWMARK

    bool operator==(const Rule& other) const;
    bool operator!=(const Rule& other) const { return !(*this == other); }
};

// Everything one dump returns.
struct Snapshot {
    std::vector<Link> links;
    std::vector<Address> addresses; // both families
    std::vector<Route> routes;      // all tables, both families, unicast and others
    std::vector<Rule> rules;        // both families
    // Count of dumps that the kernel flagged with NLM_F_DUMP_INTR, each of which was run again.
    // It is 0 when every kind of object was read in one go.
    unsigned interrupted_dumps = 0;

    const Link* find_link(uint32_t ifindex) const;
};

} // namespace srinit
