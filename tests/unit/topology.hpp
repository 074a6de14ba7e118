// Hand-built snapshots for the plan, gateway and reconcile tests: links, addresses with the
// routes the kernel adds for them, main-table routes, and the rules and routes a plan is
// expected to contain.
#pragma once

#include "netlink/objects.hpp"
#include "netlink/plan.hpp"
#include "netlink/reconcile.hpp"

#include <doctest/doctest.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace srinit {

inline bool operator==(const Change& a, const Change& b) {
    return a.op == b.op && a.object == b.object;
}

} // namespace srinit

namespace doctest {

template <>
struct StringMaker<srinit::Route> {
    static String convert(const srinit::Route& route) {
        srinit::Change change{srinit::Change::Op::add, route};
        return srinit::to_ip_command(change).c_str();
    }
};

template <>
struct StringMaker<srinit::Rule> {
    static String convert(const srinit::Rule& rule) {
        srinit::Change change{srinit::Change::Op::add, rule};
        return srinit::to_ip_command(change).c_str();
    }
};

} // namespace doctest

namespace topology {

using namespace srinit;

inline IpAddress ip(const char* text) {
    return parse_address(text).value();
}

inline Prefix net(const char* text) {
    return parse_prefix(text).value();
}

inline Prefix host_prefix(const char* text) {
    IpAddress address = ip(text);
    return Prefix{address, uint8_t(address.size() * 8)};
}

inline Prefix any(uint8_t family) {
    return Prefix{IpAddress{family, {}}, 0};
}

inline uint32_t default_metric(uint8_t family) {
    return family == AF_INET6 ? 1024 : 0;
}

// A snapshot built one call at a time, each call mirroring what the kernel reports.
struct Topology {
    Snapshot snapshot;

    Topology& link(uint32_t ifindex, const char* name, uint32_t flags = IFF_UP | IFF_RUNNING,
                   const char* kind = "veth") {
        snapshot.links.push_back(Link{ifindex, name, flags, kind});
        return *this;
    }

    Topology& loopback() {
        link(1, "lo", IFF_UP | IFF_RUNNING | IFF_LOOPBACK, "");
        return address(1, "127.0.0.1/8");
    }

    // Adds the address with the prefix route in main and the local route the kernel creates
    // for it. IPv6 addresses get no prefsrc on their prefix route, as the kernel reports them.
    Topology& address(uint32_t ifindex, const char* cidr, uint32_t flags = 0) {
        Prefix prefix = net(cidr);
        uint8_t family = prefix.address.family;
        uint8_t scope = is_link_local(prefix.address) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
        snapshot.addresses.push_back(Address{ifindex, prefix.address, prefix.length, scope,
                                             flags | (family == AF_INET6 ? IFA_F_PERMANENT : 0)});

        Route local = make(family, RT_TABLE_LOCAL, RTPROT_KERNEL, RT_SCOPE_HOST);
        local.type = RTN_LOCAL;
        local.dst = Prefix{prefix.address, uint8_t(prefix.address.size() * 8)};
        local.prefsrc = family == AF_INET ? prefix.address : IpAddress{};
        local.oif = ifindex;
        snapshot.routes.push_back(local);

        if (prefix.length == prefix.address.size() * 8)
            return *this;
        Route connected = make(family, RT_TABLE_MAIN, RTPROT_KERNEL,
                               family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
        connected.dst = Prefix{network_of(prefix.address, prefix.length), prefix.length};
        connected.prefsrc = family == AF_INET ? prefix.address : IpAddress{};
        connected.oif = ifindex;
        connected.priority = family == AF_INET6 ? 256 : 0;
        snapshot.routes.push_back(connected);
        return *this;
    }

    // Adds a main-table route `dst` via `gateway` through `ifindex`.
    Topology& main_route(const char* dst, const char* gateway, uint32_t ifindex,
                         uint32_t metric = 0, uint8_t protocol = RTPROT_BOOT) {
        Route route = make(ip(gateway).family, RT_TABLE_MAIN, protocol, RT_SCOPE_UNIVERSE);
        route.dst = std::string(dst) == "default" ? any(route.family) : net(dst);
        route.gateway = ip(gateway);
        route.oif = ifindex;
        route.priority = metric;
        snapshot.routes.push_back(route);
        return *this;
    }

    Topology& main_default(const char* gateway, uint32_t ifindex, uint32_t metric = 0,
                           uint8_t protocol = RTPROT_BOOT) {
        return main_route("default", gateway, ifindex, metric, protocol);
    }

    // Adds a main-table default without gateway ("default dev NAME").
    Topology& main_device_default(uint8_t family, uint32_t ifindex) {
        Route route = make(family, RT_TABLE_MAIN, RTPROT_BOOT,
                           family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
        route.dst = any(family);
        route.oif = ifindex;
        route.priority = default_metric(family);
        snapshot.routes.push_back(route);
        return *this;
    }

    static Route make(uint8_t family, uint32_t table, uint8_t protocol, uint8_t scope) {
        Route route;
        route.family = family;
        route.table = table;
        route.protocol = protocol;
        route.scope = scope;
        route.type = RTN_UNICAST;
        return route;
    }
};

// Expected objects, protocol kProtocol, with the default priorities (B = 1000).

inline Rule main_first_rule(uint8_t family, uint32_t priority = 1000) {
    Rule rule;
    rule.family = family;
    rule.priority = priority;
    rule.table = RT_TABLE_MAIN;
    rule.protocol = kProtocol;
    rule.action = FR_ACT_TO_TBL;
    rule.src = any(family);
    rule.suppress_prefixlength = 0;
    return rule;
}

inline Rule from_rule(const char* address, uint32_t table, uint32_t priority = 1001) {
    Rule rule = main_first_rule(ip(address).family, priority);
    rule.table = table;
    rule.src = host_prefix(address);
    rule.suppress_prefixlength.reset();
    return rule;
}

// The copy of a prefix route in `table`; `src` "" for none.
inline Route connected(const char* prefix, uint32_t ifindex, const char* src, uint32_t table) {
    Prefix dst = net(prefix);
    uint8_t family = dst.address.family;
    Route route = Topology::make(family, table, kProtocol,
                                 family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
    route.dst = dst;
    route.prefsrc = *src ? ip(src) : IpAddress{};
    route.oif = ifindex;
    route.priority = family == AF_INET6 ? 256 : 0;
    return route;
}

inline Route default_via(const char* gateway, uint32_t ifindex, uint32_t table) {
    uint8_t family = ip(gateway).family;
    Route route = Topology::make(family, table, kProtocol, RT_SCOPE_UNIVERSE);
    route.dst = any(family);
    route.gateway = ip(gateway);
    route.oif = ifindex;
    route.priority = default_metric(family);
    return route;
}

// One ip(8) command per object, for failure messages that can be read.
template <class T>
std::string describe(const std::vector<T>& objects) {
    std::string text;
    for (const T& object : objects)
        text += to_ip_command(Change{Change::Op::add, object}) + "\n";
    return text;
}

inline std::string describe(const std::vector<Change>& changes) {
    std::string text;
    for (const Change& change : changes)
        text += to_ip_command(change) + "\n";
    return text;
}

// Checks that `actual` equals `expected` exactly, showing both as ip(8) commands.
#define CHECK_OBJECTS(actual, expected)                                                            \
    do {                                                                                           \
        CHECK(topology::describe(actual) == topology::describe(expected));                         \
        CHECK((actual) == (expected));                                                             \
    } while (0)

inline std::vector<Route> routes_in(const Plan& plan, uint32_t table) {
    std::vector<Route> routes;
    for (const Route& route : plan.routes)
        if (route.table == table)
            routes.push_back(route);
    return routes;
}

inline const InterfacePlan* find_interface(const Plan& plan, const std::string& name,
                                           uint8_t family) {
    for (const InterfacePlan& interface : plan.interfaces)
        if (interface.name == name && interface.family == family)
            return &interface;
    return nullptr;
}

inline bool mentions(const std::vector<std::string>& messages, const std::string& word) {
    for (const std::string& message : messages)
        if (message.find(word) != std::string::npos)
            return true;
    return false;
}

} // namespace topology
