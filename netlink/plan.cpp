#include "netlink/plan.hpp"

#include "netlink/gateway.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <map>
#include <sys/socket.h>

namespace srinit {

namespace {

constexpr uint8_t kFamilies[] = {AF_INET, AF_INET6};

// Returns the metric of the default route in an interface's table. The kernel stores an IPv6
// route added with metric 0 as 1024 (IP6_RT_PRIO_USER), so planning 1024 keeps the planned
// route equal to what a dump returns.
uint32_t default_route_metric(uint8_t family) {
    return family == AF_INET6 ? 1024 : 0;
}

const char* family_name(uint8_t family) {
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

std::string join_addresses(const std::vector<Address>& addresses) {
    std::string text;
    for (const Address& address : addresses)
        text += (text.empty() ? "" : ", ") + to_string(address.local);
    return text;
}

// Returns why the whole interface is left alone, or "" when it is managed.
std::string find_link_skip_reason(const Link& link, const PlanOptions& options) {
    if (link.is_loopback())
        return "loopback";
    if (!link.is_up())
        return "down";
    for (const std::string& pattern : options.exclude)
        if (fnmatch(pattern.c_str(), link.name.c_str(), 0) == 0)
            return "excluded by '" + pattern + "'";
    return "";
}

bool is_managed(const Address& address, const PlanOptions& options) {
    if (!is_link_local(address.local))
        return true;
    return address.local.family == AF_INET && options.ipv4_link_local;
}

// The kernel rejects a tentative IPv6 address as RTA_PREFSRC ("Invalid source address"), except
// an optimistic one (RFC 4429), which it already lets applications use.
bool can_be_prefsrc(const Address& address) {
    if (!address.is_tentative())
        return true;
    return (address.flags & IFA_F_OPTIMISTIC) && !(address.flags & IFA_F_DADFAILED);
}

std::vector<Address> find_addresses(const Snapshot& snapshot, uint32_t ifindex, uint8_t family) {
    std::vector<Address> addresses;
    for (const Address& address : snapshot.addresses)
        if (address.ifindex == ifindex && address.local.family == family)
            addresses.push_back(address);
    return addresses;
}

bool is_reserved_table(uint32_t table) {
    return table == RT_TABLE_UNSPEC || table == RT_TABLE_DEFAULT || table == RT_TABLE_MAIN ||
           table == RT_TABLE_LOCAL;
}

// The snapshot's routes sorted once for planning, so that planning an interface does not
// scan every route of every table again. Keys are (family, ifindex) and (family, table).
struct RouteIndex {
    std::map<std::pair<uint8_t, uint32_t>, std::vector<const Route*>> main_through;
    std::map<std::pair<uint8_t, uint32_t>, size_t> foreign_in_table;
    std::vector<const Route*> none; // returned for an interface without main routes

    explicit RouteIndex(const Snapshot& snapshot) {
        for (const Route& route : snapshot.routes) {
            // Main-table routes other than defaults, in dump order.
            if (route.table == RT_TABLE_MAIN && route.dst.length > 0)
                main_through[{route.family, route.oif}].push_back(&route);
            if (route.protocol != kProtocol)
                ++foreign_in_table[{route.family, route.table}];
        }
    }

    const std::vector<const Route*>& main_routes(uint8_t family, uint32_t ifindex) const {
        auto found = main_through.find({family, ifindex});
        return found != main_through.end() ? found->second : none;
    }

    // Returns the number of routes of `family` in `table` that srinit does not own.
    size_t count_foreign(uint8_t family, uint32_t table) const {
        auto found = foreign_in_table.find({family, table});
        return found != foreign_in_table.end() ? found->second : 0;
    }
};

// One interface and family being planned.
struct Interface {
    const Snapshot& snapshot;
    const RouteIndex& routes;
    const Link& link;
    uint8_t family;
    uint32_t table;
    std::vector<Address> addresses; // the managed ones
};

// Returns an error when `interface.table` cannot be srinit's, else "".
std::string check_table(const Interface& interface, const PlanOptions& options) {
    const std::string& name = interface.link.name;
    auto reject = [&](const std::string& why) {
        return name + ": table " + std::to_string(interface.table) + why + ", so " + name +
               " is left alone for " + family_name(interface.family) +
               "; choose another --table-base (SRINIT_TABLE_BASE)";
    };
    if (interface.table < options.table_base || is_reserved_table(interface.table))
        return reject(" is reserved or out of range");

    size_t foreign = interface.routes.count_foreign(interface.family, interface.table);
    if (foreign == 0)
        return "";
    return reject(" already holds " + std::to_string(foreign) + " " +
                  family_name(interface.family) + (foreign == 1 ? " route" : " routes") +
                  " that srinit does not own");
}

// Copies `route` from main into the interface's table as srinit's own.
Route copy_to_table(Route route, const Interface& interface) {
    route.table = interface.table;
    route.protocol = kProtocol;
    // Flags such as RTNH_F_LINKDOWN are the kernel's report of state, not part of a request.
    route.flags &= RTNH_F_ONLINK;
    return route;
}

// Adds `route` unless the plan already contains one with its key. The kernel keeps one route
// per key, so a second one (an IPv4 route appended in main) could never be installed.
void add_route(Plan& plan, const Route& route) {
    for (const Route& planned : plan.routes)
        if (planned.same_key(route))
            return;
    plan.routes.push_back(route);
}

// IPv4 kernel routes name the primary address of the prefix as prefsrc; IPv6 ones name none.
IpAddress choose_prefsrc(const Route& kernel_route, const std::vector<Address>& addresses) {
    for (const Address& address : addresses)
        if (address.local == kernel_route.prefsrc && can_be_prefsrc(address))
            return address.local;
    for (const Address& address : addresses)
        if (contains(kernel_route.dst, address.local) && can_be_prefsrc(address))
            return address.local;
    return IpAddress{};
}

bool holds_managed_address(const Route& route, const std::vector<Address>& addresses) {
    for (const Address& address : addresses)
        if (contains(route.dst, address.local))
            return true;
    return false;
}

// The kernel's own prefix routes, and IPv6 on-link prefixes learned from router
// advertisements.
bool is_connected_protocol(const Route& route) {
    return route.protocol == RTPROT_KERNEL || route.protocol == RTPROT_RA;
}

void plan_connected_routes(const Interface& interface, Plan& plan) {
    for (const Route* main_route :
         interface.routes.main_routes(interface.family, interface.link.ifindex)) {
        const Route& route = *main_route;
        if (!is_connected_protocol(route) || route.type != RTN_UNICAST || route.gateway.is_set() ||
            !holds_managed_address(route, interface.addresses))
            continue;
        Route copy = copy_to_table(route, interface);
        copy.prefsrc = choose_prefsrc(route, interface.addresses);
        add_route(plan, copy);
    }
}

// Static and VPN routes through a gateway of this interface, so the table can reach what main
// reaches through it.
void plan_gateway_routes(const Interface& interface, Plan& plan) {
    for (const Route* route :
         interface.routes.main_routes(interface.family, interface.link.ifindex))
        if (route->gateway.is_set())
            add_route(plan, copy_to_table(*route, interface));
}

Route make_default_route(const Gateway& gateway, const Interface& interface) {
    Route route;
    if (gateway.main_route) {
        route = copy_to_table(*gateway.main_route, interface);
    } else {
        route.family = interface.family;
        route.table = interface.table;
        route.protocol = kProtocol;
        route.scope = RT_SCOPE_UNIVERSE;
        route.type = RTN_UNICAST;
        route.dst = Prefix{IpAddress{interface.family, {}}, 0};
        route.gateway = gateway.address;
        // The output interface is always set: an IPv6 link-local gateway needs it.
        route.oif = interface.link.ifindex;
    }
    route.priority = default_route_metric(interface.family);
    return route;
}

bool is_on_link(const IpAddress& gateway, const std::vector<Address>& addresses) {
    if (is_link_local(gateway))
        return true;
    for (const Address& address : addresses)
        if (contains(address.prefix(), gateway))
            return true;
    return false;
}

void warn_about_gateway(const Interface& interface, const Gateway& gateway, Plan& plan) {
    const std::string& name = interface.link.name;
    const char* family = family_name(interface.family);
    if (gateway.source == GatewaySource::none) {
        plan.warnings.push_back(name + ": no " + family +
                                " gateway found, so replies from its addresses follow main's "
                                "default route; give one with --gateway " +
                                name + "=ADDRESS or --gateway SUBNET=ADDRESS");
        return;
    }
    bool from_option = gateway.source == GatewaySource::option_interface ||
                       gateway.source == GatewaySource::option_subnet;
    if (from_option && !is_on_link(gateway.address, interface.addresses))
        plan.warnings.push_back(
            name + ": --gateway " + to_string(gateway.address) + " is outside the prefixes of " +
            join_addresses(interface.addresses) + ", so the kernel may reject its default route");
}

void plan_rules(const Interface& interface, const PlanOptions& options, Plan& plan) {
    for (const Address& address : interface.addresses) {
        Rule rule;
        rule.family = interface.family;
        rule.priority = options.rule_priority + 1;
        rule.table = interface.table;
        rule.protocol = kProtocol;
        rule.action = FR_ACT_TO_TBL;
        rule.src = Prefix{address.local, uint8_t(address.local.size() * 8)};
        plan.rules.push_back(rule);
    }
}

Rule make_main_first_rule(uint8_t family, const PlanOptions& options) {
    Rule rule;
    rule.family = family;
    rule.priority = options.rule_priority;
    rule.table = RT_TABLE_MAIN;
    rule.protocol = kProtocol;
    rule.action = FR_ACT_TO_TBL;
    rule.src = Prefix{IpAddress{family, {}}, 0};
    // Main decides every destination except through a default route (prefix length 0).
    rule.suppress_prefixlength = 0;
    return rule;
}

void plan_interface(Interface& interface, const PlanOptions& options, Plan& plan) {
    for (const Address& address :
         find_addresses(interface.snapshot, interface.link.ifindex, interface.family))
        if (is_managed(address, options))
            interface.addresses.push_back(address);
    if (interface.addresses.empty()) {
        plan.skips.push_back(
            Skip{interface.link.name, interface.family,
                 std::string("no managed ") + family_name(interface.family) + " address"});
        return;
    }
    if (std::string error = check_table(interface, options); !error.empty()) {
        plan.errors.push_back(error);
        return;
    }

    plan_rules(interface, options, plan);
    plan_connected_routes(interface, plan);
    plan_gateway_routes(interface, plan);

    Gateway gateway = find_gateway(interface.snapshot, interface.link, interface.family,
                                   interface.addresses, options);
    if (gateway.source != GatewaySource::none)
        add_route(plan, make_default_route(gateway, interface));
    warn_about_gateway(interface, gateway, plan);

    InterfacePlan summary;
    summary.ifindex = interface.link.ifindex;
    summary.name = interface.link.name;
    summary.family = interface.family;
    summary.table = interface.table;
    summary.gateway = gateway.address;
    summary.gateway_source = gateway.source;
    for (const Address& address : interface.addresses)
        summary.addresses.push_back(address.local);
    plan.interfaces.push_back(summary);
}

} // namespace

const char* to_string(GatewaySource source) {
    switch (source) {
    case GatewaySource::option_interface:
        return "--gateway by interface";
    case GatewaySource::option_subnet:
        return "--gateway by subnet";
    case GatewaySource::main_route:
        return "main table";
    case GatewaySource::device_only:
        return "main table, device only";
    case GatewaySource::first_host:
        return "guess: first host";
    case GatewaySource::none:
        break;
    }
    return "none";
}

Plan make_plan(const Snapshot& snapshot, const PlanOptions& options) {
    // Interfaces in ifindex order, so that the plan does not depend on the dump's order.
    std::vector<const Link*> links;
    for (const Link& link : snapshot.links)
        links.push_back(&link);
    std::sort(links.begin(), links.end(),
              [](const Link* a, const Link* b) { return a->ifindex < b->ifindex; });

    Plan plan;
    const RouteIndex routes(snapshot);
    std::vector<const Link*> managed;
    for (const Link* link : links) {
        std::string reason = find_link_skip_reason(*link, options);
        if (reason.empty())
            managed.push_back(link);
        else
            plan.skips.push_back(Skip{link->name, 0, reason});
    }

    for (uint8_t family : kFamilies) {
        size_t first_rule = plan.rules.size();
        size_t first_interface = plan.interfaces.size();
        for (const Link* link : managed) {
            Interface current{snapshot, routes, *link, family, options.table_base + link->ifindex,
                              {}};
            plan_interface(current, options, plan);
        }
        // The main-first rule goes before the `from` rules, so that it exists first when
        // they are added in plan order.
        if (plan.interfaces.size() > first_interface)
            plan.rules.insert(plan.rules.begin() + first_rule,
                              make_main_first_rule(family, options));
    }
    return plan;
}

} // namespace srinit
