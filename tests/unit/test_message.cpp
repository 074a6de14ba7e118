#include "netlink/message.hpp"

#include <cerrno>
#include <cstring>
#include <doctest/doctest.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

using namespace srinit;

namespace {

struct Buffer {
    alignas(nlmsghdr) char bytes[kMessageBufferSize * 2] = {};
};

IpAddress address_of(const char* text) {
    return parse_address(text).value();
}

Prefix prefix_of(const char* text) {
    return parse_prefix(text).value();
}

// Returns the attribute of `type` after a family header of `header_size`, or nullptr.
const nlattr* find_attribute(const nlmsghdr* message, size_t header_size, uint16_t type) {
    const auto* attribute =
        static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(message, header_size));
    const char* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(message));
    while (
        mnl_attr_ok(attribute, static_cast<int>(tail - reinterpret_cast<const char*>(attribute)))) {
        if (mnl_attr_get_type(attribute) == type)
            return attribute;
        attribute = mnl_attr_next(attribute);
    }
    return nullptr;
}

Route table_route_v4() {
    Route route;
    route.family = AF_INET;
    route.table = 1003;
    route.protocol = kProtocol;
    route.scope = RT_SCOPE_UNIVERSE;
    route.dst = prefix_of("0.0.0.0/0");
    route.gateway = address_of("198.18.1.1");
    route.prefsrc = address_of("198.18.1.2");
    route.oif = 3;
    route.priority = 100;
    return route;
}

Route connected_route_v6() {
    Route route;
    route.family = AF_INET6;
    route.table = 1004;
    route.protocol = kProtocol;
    route.scope = RT_SCOPE_LINK;
    route.dst = prefix_of("fd00:1::/64");
    route.prefsrc = address_of("fd00:1::2");
    route.oif = 4;
    route.priority = 256;
    return route;
}

Rule from_rule_v4() {
    Rule rule;
    rule.family = AF_INET;
    rule.priority = 1001;
    rule.table = 1003;
    rule.protocol = kProtocol;
    rule.action = FR_ACT_TO_TBL;
    rule.src = prefix_of("198.18.1.2/32");
    return rule;
}

Rule suppress_rule_v6() {
    Rule rule;
    rule.family = AF_INET6;
    rule.priority = 1000;
    rule.table = RT_TABLE_MAIN;
    rule.protocol = kProtocol;
    rule.src = prefix_of("::/0");
    rule.suppress_prefixlength = 0;
    return rule;
}

} // namespace

TEST_SUITE("message") {

    TEST_CASE("route builder sets the netlink header") {
        Buffer buffer;
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, 42,
                                        table_route_v4());
        CHECK(message->nlmsg_type == RTM_NEWROUTE);
        CHECK(message->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL));
        CHECK(message->nlmsg_seq == 42);
        CHECK(message->nlmsg_len <= kMessageBufferSize);
    }

    TEST_CASE("IPv4 route round trip") {
        Buffer buffer;
        Route route = table_route_v4();
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, NLM_F_CREATE, 1, route);
        std::optional<Route> parsed = parse_route(message);
        REQUIRE(parsed);
        CHECK(*parsed == route);
        CHECK(parsed->table == 1003);
        CHECK(parsed->protocol == kProtocol);
        CHECK(to_string(parsed->gateway) == "198.18.1.1");
        CHECK(to_string(parsed->prefsrc) == "198.18.1.2");
        CHECK(parsed->priority == 100);
    }

    TEST_CASE("large table as u32 RTA_TABLE") {
        Buffer buffer;
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, table_route_v4());
        const auto* header = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(message));
        CHECK(header->rtm_table == RT_TABLE_UNSPEC);
        const nlattr* table = find_attribute(message, sizeof(rtmsg), RTA_TABLE);
        REQUIRE(table != nullptr);
        CHECK(mnl_attr_get_payload_len(table) == 4);
        CHECK(mnl_attr_get_u32(table) == 1003);
    }

    TEST_CASE("small table also sets rtm_table") {
        Buffer buffer;
        Route route = table_route_v4();
        route.table = 200;
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, route);
        const auto* header = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(message));
        CHECK(header->rtm_table == 200);
        CHECK(mnl_attr_get_u32(find_attribute(message, sizeof(rtmsg), RTA_TABLE)) == 200);
    }

    TEST_CASE("RTA_TABLE wins over rtm_table") {
        Buffer buffer;
        Route route = table_route_v4();
        route.table = 1003;
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, route);
        static_cast<rtmsg*>(mnl_nlmsg_get_payload(message))->rtm_table = RT_TABLE_MAIN;
        CHECK(parse_route(message)->table == 1003);
    }

    TEST_CASE("IPv6 connected route round trip") {
        Buffer buffer;
        Route route = connected_route_v6();
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, NLM_F_REPLACE, 2, route);
        std::optional<Route> parsed = parse_route(message);
        REQUIRE(parsed);
        CHECK(*parsed == route);
        CHECK(to_string(parsed->dst) == "fd00:1::/64");
        CHECK_FALSE(parsed->gateway.is_set());
        CHECK(to_string(parsed->prefsrc) == "fd00:1::2");
    }

    TEST_CASE("default route omits RTA_DST") {
        Buffer buffer;
        Route route = table_route_v4();
        route.family = AF_INET6;
        route.dst = Prefix{};
        route.gateway = address_of("fd00:1::1");
        route.prefsrc = IpAddress{};
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, route);
        CHECK(find_attribute(message, sizeof(rtmsg), RTA_DST) == nullptr);
        std::optional<Route> parsed = parse_route(message);
        REQUIRE(parsed);
        CHECK(to_string(parsed->dst) == "::/0");
        CHECK_FALSE(parsed->prefsrc.is_set());
    }

    TEST_CASE("route builder keeps only onlink") {
        Buffer buffer;
        Route route = table_route_v4();
        route.flags = RTNH_F_ONLINK | RTNH_F_LINKDOWN | RTM_F_CLONED;
        nlmsghdr* message = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, route);
        const auto* header = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(message));
        CHECK(header->rtm_flags == RTNH_F_ONLINK);
        CHECK((parse_route(message)->flags & RTNH_F_ONLINK) != 0);
    }

    TEST_CASE("RTM_DELROUTE parses like RTM_NEWROUTE") {
        Buffer buffer;
        nlmsghdr* message = build_route(buffer.bytes, RTM_DELROUTE, 0, 9, table_route_v4());
        CHECK(message->nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK));
        CHECK(parse_route(message) == table_route_v4());
    }

    TEST_CASE("IPv4 from rule round trip") {
        Buffer buffer;
        Rule rule = from_rule_v4();
        nlmsghdr* message =
            build_rule(buffer.bytes, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, 3, rule);
        const auto* header = static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(message));
        CHECK(header->table == RT_TABLE_UNSPEC);
        CHECK(header->src_len == 32);
        CHECK(mnl_attr_get_u32(find_attribute(message, sizeof(fib_rule_hdr), FRA_TABLE)) == 1003);
        CHECK(mnl_attr_get_u8(find_attribute(message, sizeof(fib_rule_hdr), FRA_PROTOCOL)) ==
              kProtocol);
        std::optional<Rule> parsed = parse_rule(message);
        REQUIRE(parsed);
        CHECK(*parsed == rule);
        CHECK(parsed->priority == 1001);
        CHECK(to_string(parsed->src) == "198.18.1.2/32");
    }

    TEST_CASE("IPv6 suppress_prefixlength rule round trip") {
        Buffer buffer;
        Rule rule = suppress_rule_v6();
        nlmsghdr* message = build_rule(buffer.bytes, RTM_NEWRULE, 0, 4, rule);
        CHECK(find_attribute(message, sizeof(fib_rule_hdr), FRA_SRC) == nullptr);
        const auto* header = static_cast<const fib_rule_hdr*>(mnl_nlmsg_get_payload(message));
        CHECK(header->table == RT_TABLE_MAIN);
        std::optional<Rule> parsed = parse_rule(message);
        REQUIRE(parsed);
        CHECK(*parsed == rule);
        REQUIRE(parsed->suppress_prefixlength);
        CHECK(*parsed->suppress_prefixlength == 0);
        CHECK(to_string(parsed->src) == "::/0");
    }

    TEST_CASE("suppress_prefixlength of -1 reads as unset") {
        Buffer buffer;
        nlmsghdr* message = build_rule(buffer.bytes, RTM_NEWRULE, 0, 4, from_rule_v4());
        mnl_attr_put_u32(message, FRA_SUPPRESS_PREFIXLEN, 0xffffffff);
        std::optional<Rule> parsed = parse_rule(message);
        REQUIRE(parsed);
        CHECK_FALSE(parsed->suppress_prefixlength);
        CHECK(*parsed == from_rule_v4());
    }

    TEST_CASE("rule names and fwmark round trip") {
        Buffer buffer;
        Rule rule = from_rule_v4();
        rule.iifname = "veth-in";
        rule.oifname = "veth-out";
        rule.fwmark = 0x10;
        std::optional<Rule> parsed = parse_rule(build_rule(buffer.bytes, RTM_DELRULE, 0, 5, rule));
        REQUIRE(parsed);
        CHECK(parsed->iifname == "veth-in");
        CHECK(parsed->oifname == "veth-out");
        CHECK(parsed->fwmark == 0x10);
    }

    TEST_CASE("overlong interface name sent unterminated") {
        Buffer buffer;
        Rule rule = from_rule_v4();
        rule.iifname = "an-interface-name-too-long";
        nlmsghdr* message = build_rule(buffer.bytes, RTM_NEWRULE, 0, 6, rule);
        const nlattr* name = find_attribute(message, sizeof(fib_rule_hdr), FRA_IIFNAME);
        REQUIRE(name != nullptr);
        CHECK(mnl_attr_get_payload_len(name) == IFNAMSIZ);
        CHECK(std::memchr(mnl_attr_get_payload(name), '\0', IFNAMSIZ) == nullptr);
    }

    TEST_CASE("parsers reject other message types") {
        Buffer buffer;
        nlmsghdr* route = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, table_route_v4());
        CHECK_FALSE(parse_rule(route));
        CHECK_FALSE(parse_link(route));
        CHECK_FALSE(parse_address(route));
        CHECK_FALSE(parse_acknowledgement(route));
        route->nlmsg_type = RTM_GETROUTE;
        CHECK_FALSE(parse_route(route));
    }

    TEST_CASE("parsers reject a truncated family header") {
        Buffer buffer;
        nlmsghdr* rule = build_rule(buffer.bytes, RTM_NEWRULE, 0, 1, from_rule_v4());
        rule->nlmsg_len = sizeof(nlmsghdr) + sizeof(fib_rule_hdr) - 4;
        CHECK_FALSE(parse_rule(rule));
        nlmsghdr* route = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, table_route_v4());
        route->nlmsg_len = sizeof(nlmsghdr) + 2;
        CHECK_FALSE(parse_route(route));
    }

    TEST_CASE("parsers reject a truncated attribute") {
        Buffer buffer;
        nlmsghdr* route = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, table_route_v4());
        route->nlmsg_len -= 6;
        CHECK_FALSE(parse_route(route));
    }

    TEST_CASE("parsers reject wrong attribute size") {
        Buffer buffer;
        nlmsghdr* route = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, connected_route_v6());
        mnl_attr_put_u16(route, RTA_PRIORITY, 7);
        CHECK_FALSE(parse_route(route));

        nlmsghdr* rule = build_rule(buffer.bytes, RTM_NEWRULE, 0, 1, from_rule_v4());
        mnl_attr_put_u32(rule, FRA_PROTOCOL, kProtocol);
        CHECK_FALSE(parse_rule(rule));
    }

    TEST_CASE("parsers reject mismatched address family") {
        Buffer buffer;
        Route route = table_route_v4();
        route.gateway = address_of("fd00::1");
        CHECK_FALSE(parse_route(build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, route)));
    }

    TEST_CASE("parsers reject non-IP families") {
        Buffer buffer;
        Rule rule = from_rule_v4();
        rule.src = Prefix{};
        rule.family = RTNL_FAMILY_IPMR;
        CHECK_FALSE(parse_rule(build_rule(buffer.bytes, RTM_NEWRULE, 0, 1, rule)));
    }

    TEST_CASE("parsers skip unknown attributes") {
        Buffer buffer;
        nlmsghdr* route = build_route(buffer.bytes, RTM_NEWROUTE, 0, 1, table_route_v4());
        mnl_attr_put_u32(route, RTA_MARK, 5);
        mnl_attr_put_u16(route, 200, 1);
        std::optional<Route> parsed = parse_route(route);
        REQUIRE(parsed);
        CHECK(*parsed == table_route_v4());
    }

    TEST_CASE("link parse reads name and kind") {
        Buffer buffer;
        nlmsghdr* message = mnl_nlmsg_put_header(buffer.bytes);
        message->nlmsg_type = RTM_NEWLINK;
        auto* header =
            static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(message, sizeof(ifinfomsg)));
        header->ifi_index = 7;
        header->ifi_flags = IFF_UP;
        mnl_attr_put_strz(message, IFLA_IFNAME, "veth-app");
        mnl_attr_put_u32(message, IFLA_MTU, 1500);
        nlattr* info = mnl_attr_nest_start(message, IFLA_LINKINFO);
        mnl_attr_put_strz(message, IFLA_INFO_KIND, "veth");
        mnl_attr_nest_end(message, info);

        std::optional<Link> link = parse_link(message);
        REQUIRE(link);
        CHECK(link->ifindex == 7);
        CHECK(link->name == "veth-app");
        CHECK(link->kind == "veth");
        CHECK(link->is_up());
        CHECK_FALSE(link->is_loopback());
    }

    TEST_CASE("address parse prefers IFA_LOCAL and IFA_FLAGS") {
        Buffer buffer;
        nlmsghdr* message = mnl_nlmsg_put_header(buffer.bytes);
        message->nlmsg_type = RTM_NEWADDR;
        auto* header =
            static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(message, sizeof(ifaddrmsg)));
        header->ifa_family = AF_INET;
        header->ifa_prefixlen = 24;
        header->ifa_index = 5;
        header->ifa_flags = 0;
        IpAddress peer = address_of("198.18.9.9");
        IpAddress local = address_of("198.18.1.2");
        mnl_attr_put(message, IFA_ADDRESS, 4, peer.bytes.data());
        mnl_attr_put(message, IFA_LOCAL, 4, local.bytes.data());
        mnl_attr_put_u32(message, IFA_FLAGS, IFA_F_TENTATIVE);

        std::optional<Address> address = parse_address(message);
        REQUIRE(address);
        CHECK(to_string(address->prefix()) == "198.18.1.2/24");
        CHECK(address->ifindex == 5);
        CHECK(address->is_tentative());
    }

    TEST_CASE("address parse requires an address") {
        Buffer buffer;
        nlmsghdr* message = mnl_nlmsg_put_header(buffer.bytes);
        message->nlmsg_type = RTM_DELADDR;
        auto* header =
            static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(message, sizeof(ifaddrmsg)));
        header->ifa_family = AF_INET6;
        CHECK_FALSE(parse_address(message));
    }

} // TEST_SUITE("message")
