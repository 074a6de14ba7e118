#include "netlink/objects.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <tuple>

namespace srinit {

bool Link::is_loopback() const { return (flags & IFF_LOOPBACK) != 0; }

bool Link::is_up() const { return (flags & IFF_UP) != 0; }

bool Address::is_tentative() const { return (flags & IFA_F_TENTATIVE) != 0; }

bool Route::same_key(const Route& other) const {
    return family == other.family && table == other.table && dst == other.dst &&
           tos == other.tos && priority == other.priority;
}

bool Route::operator==(const Route& other) const {
    return same_key(other) && protocol == other.protocol && scope == other.scope &&
           type == other.type && gateway == other.gateway && prefsrc == other.prefsrc &&
           oif == other.oif && (flags & RTNH_F_ONLINK) == (other.flags & RTNH_F_ONLINK);
}

bool Rule::operator==(const Rule& other) const {
    return std::tie(family, priority, table, protocol, action, suppress_prefixlength, iifname,
                    oifname, fwmark) == std::tie(other.family, other.priority, other.table,
                                                 other.protocol, other.action,
                                                 other.suppress_prefixlength, other.iifname,
                                                 other.oifname, other.fwmark) &&
           src == other.src;
}

const Link* Snapshot::find_link(uint32_t ifindex) const {
    for (const Link& link : links)
        if (link.ifindex == ifindex)
            return &link;
    return nullptr;
}

} // namespace srinit
