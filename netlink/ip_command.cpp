#include "netlink/reconcile.hpp"

#include <cstdio>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

namespace srinit {

namespace {

const char* op_name(Change::Op op) {
    switch (op) {
    case Change::Op::add:
        return "add";
    case Change::Op::remove:
        return "del";
    case Change::Op::replace:
        break;
    }
    return "replace";
}

const char* family_flag(uint8_t family) {
    return family == AF_INET6 ? "-6" : "-4";
}

std::string table_name(uint32_t table) {
    switch (table) {
    case RT_TABLE_MAIN:
        return "main";
    case RT_TABLE_LOCAL:
        return "local";
    case RT_TABLE_DEFAULT:
        return "default";
    }
    return std::to_string(table);
}

std::string hex(uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof(text), "0x%x", value);
    return text;
}

// ip(8) parses "if<N>" as ifindex N when no interface has that name, so a command printed
// without a snapshot still names the right device.
std::string device_name(uint32_t ifindex, const Snapshot* snapshot) {
    if (snapshot)
        if (const Link* link = snapshot->find_link(ifindex))
            return link->name;
    return "if" + std::to_string(ifindex);
}

// The type keyword ip(8) expects before the destination; "" for unicast.
std::string route_type_word(uint8_t type) {
    switch (type) {
    case RTN_UNICAST:
        return "";
    case RTN_LOCAL:
        return "local ";
    case RTN_BROADCAST:
        return "broadcast ";
    case RTN_ANYCAST:
        return "anycast ";
    case RTN_MULTICAST:
        return "multicast ";
    case RTN_BLACKHOLE:
        return "blackhole ";
    case RTN_UNREACHABLE:
        return "unreachable ";
    case RTN_PROHIBIT:
        return "prohibit ";
    case RTN_THROW:
        return "throw ";
    }
    return "";
}

std::string scope_name(uint8_t scope) {
    switch (scope) {
    case RT_SCOPE_UNIVERSE:
        return "global";
    case RT_SCOPE_SITE:
        return "site";
    case RT_SCOPE_LINK:
        return "link";
    case RT_SCOPE_HOST:
        return "host";
    case RT_SCOPE_NOWHERE:
        return "nowhere";
    }
    return std::to_string(scope);
}

// ip(8) picks scope link for an IPv4 route without gateway and global for one with a gateway,
// so the scope is printed whenever that default could differ from the route's. The kernel
// stores every IPv6 route with scope global, so no IPv6 scope is printed.
bool needs_scope(const Route& route) {
    if (route.family == AF_INET6)
        return false;
    return !(route.scope == RT_SCOPE_UNIVERSE && route.gateway.is_set());
}

std::string format_route(const char* op, const Route& route, const Snapshot* snapshot) {
    std::string text = std::string("ip ") + family_flag(route.family) + " route " + op + " " +
                       route_type_word(route.type);
    text += route.dst.length == 0 ? "default" : to_string(route.dst);
    if (route.tos != 0)
        text += " tos " + hex(route.tos);
    if (route.gateway.is_set())
        text += " via " + to_string(route.gateway);
    if (route.oif != 0)
        text += " dev " + device_name(route.oif, snapshot);
    if (route.flags & RTNH_F_ONLINK)
        text += " onlink";
    if (route.prefsrc.is_set())
        text += " src " + to_string(route.prefsrc);
    text += " table " + table_name(route.table);
    text += " proto " + std::to_string(route.protocol);
    if (needs_scope(route))
        text += " scope " + scope_name(route.scope);
    if (route.priority != 0)
        text += " metric " + std::to_string(route.priority);
    return text;
}

// The words ip(8) takes for a rule's action: "lookup TABLE" or the action's own name.
std::string rule_action(const Rule& rule) {
    switch (rule.action) {
    case FR_ACT_TO_TBL:
        return "lookup " + table_name(rule.table);
    case FR_ACT_NOP:
        return "nop";
    case FR_ACT_BLACKHOLE:
        return "blackhole";
    case FR_ACT_UNREACHABLE:
        return "unreachable";
    case FR_ACT_PROHIBIT:
        return "prohibit";
    }
    return "lookup " + table_name(rule.table);
}

std::string format_rule(const char* op, const Rule& rule) {
    std::string text = std::string("ip ") + family_flag(rule.family) + " rule " + op +
                       " priority " + std::to_string(rule.priority);
    text += " from " + (rule.src.length == 0 ? std::string("all") : to_string(rule.src.address));
    if (rule.src.length != 0 && rule.src.length != rule.src.address.size() * 8)
        text += "/" + std::to_string(rule.src.length);
    if (!rule.iifname.empty())
        text += " iif " + rule.iifname;
    if (!rule.oifname.empty())
        text += " oif " + rule.oifname;
    if (rule.fwmark != 0)
        text += " fwmark " + hex(rule.fwmark);
    text += " " + rule_action(rule);
    if (rule.suppress_prefixlength)
        text += " suppress_prefixlength " + std::to_string(*rule.suppress_prefixlength);
    text += " proto " + std::to_string(rule.protocol);
    return text;
}

std::string format_change(const Change& change, const Snapshot* snapshot) {
    const char* op = op_name(change.op);
    if (const Rule* rule = std::get_if<Rule>(&change.object))
        return format_rule(op, *rule);
    return format_route(op, std::get<Route>(change.object), snapshot);
}

} // namespace

std::string to_ip_command(const Change& change) {
    return format_change(change, nullptr);
}

std::string to_ip_command(const Change& change, const Snapshot& snapshot) {
    return format_change(change, &snapshot);
}

} // namespace srinit
