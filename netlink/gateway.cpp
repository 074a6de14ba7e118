#include "netlink/gateway.hpp"

#include <algorithm>
#include <linux/rtnetlink.h>

namespace srinit {

namespace {

bool is_main_default(const Route& route, uint32_t ifindex, uint8_t family) {
    return route.family == family && route.table == RT_TABLE_MAIN && route.type == RTN_UNICAST &&
           route.dst.length == 0 && route.oif == ifindex;
}

// Main-table defaults through `ifindex`, lowest metric first. Podman installs one default per
// network at the same metric, so ties keep the dump's order.
std::vector<Route> find_main_defaults(const Snapshot& snapshot, uint32_t ifindex, uint8_t family) {
    std::vector<Route> defaults;
    for (const Route& route : snapshot.routes)
        if (is_main_default(route, ifindex, family))
            defaults.push_back(route);
    std::stable_sort(defaults.begin(), defaults.end(),
                     [](const Route& a, const Route& b) { return a.priority < b.priority; });
    return defaults;
}

bool has_address_in(const Prefix& subnet, const std::vector<Address>& addresses) {
    for (const Address& address : addresses)
        if (contains(subnet, address.local))
            return true;
    return false;
}

std::optional<Gateway> find_option_gateway(const Link& link, uint8_t family,
                                           const std::vector<Address>& addresses,
                                           const PlanOptions& options) {
    // A name match wins over a subnet match whatever their order on the command line.
    for (const GatewayOption& option : options.gateways)
        if (!option.interface.empty() && option.interface == link.name &&
            option.gateway.family == family)
            return Gateway{GatewaySource::option_interface, option.gateway, std::nullopt};

    for (const GatewayOption& option : options.gateways)
        if (option.subnet && option.gateway.family == family &&
            has_address_in(*option.subnet, addresses))
            return Gateway{GatewaySource::option_subnet, option.gateway, std::nullopt};
    return std::nullopt;
}

std::optional<Gateway> find_main_gateway(const Snapshot& snapshot, const Link& link,
                                         uint8_t family) {
    std::vector<Route> defaults = find_main_defaults(snapshot, link.ifindex, family);
    for (const Route& route : defaults)
        if (route.gateway.is_set())
            return Gateway{GatewaySource::main_route, route.gateway, route};
    if (!defaults.empty())
        return Gateway{GatewaySource::device_only, IpAddress{}, defaults.front()};
    return std::nullopt;
}

std::optional<Gateway> guess_first_host(const Link& link, const std::vector<Address>& addresses,
                                        const PlanOptions& options) {
    for (const Address& address : addresses) {
        // A link-local network (169.254.0.0/16 with --ipv4-link-local) has no router.
        if (is_link_local(address.local))
            continue;
        std::optional<IpAddress> host = first_host(address.prefix());
        if (host && options.silent_guesses.count({link.ifindex, *host}) != 0)
            continue;
        if (host && *host != address.local)
            return Gateway{GatewaySource::first_host, *host, std::nullopt};
    }
    return std::nullopt;
}

} // namespace

Gateway find_gateway(const Snapshot& snapshot, const Link& link, uint8_t family,
                     const std::vector<Address>& addresses, const PlanOptions& options) {
    if (std::optional<Gateway> gateway = find_option_gateway(link, family, addresses, options))
        return *gateway;
    if (std::optional<Gateway> gateway = find_main_gateway(snapshot, link, family))
        return *gateway;
    if (options.guess)
        if (std::optional<Gateway> gateway = guess_first_host(link, addresses, options))
            return *gateway;
    return Gateway{};
}

} // namespace srinit
