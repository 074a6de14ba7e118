#include "netlink/plan.hpp"

#include "tests/unit/topology.hpp"

#include <algorithm>

using namespace srinit;
using namespace topology;

namespace {

constexpr uint32_t kEth0 = 2;
constexpr uint32_t kEth1 = 3;

// eth0 198.18.0.2/24 with main's default via 198.18.0.1; eth1 198.18.1.2/24 without one.
Topology two_networks() {
    Topology topology;
    topology.loopback()
        .link(kEth0, "eth0")
        .address(kEth0, "198.18.0.2/24")
        .link(kEth1, "eth1")
        .address(kEth1, "198.18.1.2/24")
        .main_default("198.18.0.1", kEth0);
    return topology;
}

bool has_skip(const Plan& plan, const std::string& name, uint8_t family,
              const std::string& reason) {
    for (const Skip& skip : plan.skips)
        if (skip.name == name && skip.family == family && skip.reason == reason)
            return true;
    return false;
}

} // namespace

TEST_SUITE("plan") {

    TEST_CASE("loopback left alone") {
        Plan plan = make_plan(two_networks().snapshot, PlanOptions{});
        CHECK(has_skip(plan, "lo", 0, "loopback"));
        CHECK(find_interface(plan, "lo", AF_INET) == nullptr);
    }

    TEST_CASE("interface that is down skipped") {
        Topology topology = two_networks();
        topology.snapshot.links[2].flags = 0;
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        CHECK(has_skip(plan, "eth1", 0, "down"));
        CHECK(routes_in(plan, 1000 + kEth1).empty());
        CHECK(plan.rules.size() == 2);
    }

    TEST_CASE("excluded by name and by glob") {
        PlanOptions options;
        options.exclude = {"eth0"};
        Plan by_name = make_plan(two_networks().snapshot, options);
        CHECK(has_skip(by_name, "eth0", 0, "excluded by 'eth0'"));
        CHECK(find_interface(by_name, "eth1", AF_INET) != nullptr);

        options.exclude = {"eth*"};
        Plan by_glob = make_plan(two_networks().snapshot, options);
        CHECK(has_skip(by_glob, "eth0", 0, "excluded by 'eth*'"));
        CHECK(has_skip(by_glob, "eth1", 0, "excluded by 'eth*'"));
        CHECK(by_glob.rules.empty());
        CHECK(by_glob.routes.empty());
    }

    TEST_CASE("IPv6 link-local addresses never managed") {
        Topology topology = two_networks();
        topology.address(kEth0, "fe80::2/64").address(kEth1, "fe80::3/64");
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        CHECK(has_skip(plan, "eth0", AF_INET6, "no managed IPv6 address"));
        CHECK(has_skip(plan, "eth1", AF_INET6, "no managed IPv6 address"));
        for (const Rule& rule : plan.rules)
            CHECK(rule.family == AF_INET);
        for (const Route& route : plan.routes)
            CHECK(route.family == AF_INET);
    }

    TEST_CASE("IPv4 link-local managed only on request") {
        Topology topology;
        topology.link(kEth0, "eth0").address(kEth0, "169.254.7.9/16");
        Plan plain = make_plan(topology.snapshot, PlanOptions{});
        CHECK(has_skip(plain, "eth0", AF_INET, "no managed IPv4 address"));
        CHECK(plain.rules.empty());

        PlanOptions options;
        options.ipv4_link_local = true;
        Plan managed = make_plan(topology.snapshot, options);
        CHECK(managed.rules.size() == 2);
        CHECK(managed.rules[1] == from_rule("169.254.7.9", 1000 + kEth0));
    }

    TEST_CASE("no main-first rule without interface") {
        Plan plan = make_plan(two_networks().snapshot, PlanOptions{});
        size_t ipv4_main_first = 0;
        for (const Rule& rule : plan.rules) {
            CHECK(rule.family == AF_INET);
            ipv4_main_first += rule.table == RT_TABLE_MAIN ? 1 : 0;
        }
        CHECK(ipv4_main_first == 1);
    }

    TEST_CASE("table holding foreign routes is a conflict") {
        Topology topology = two_networks();
        Route foreign = default_via("198.18.1.254", kEth1, 1000 + kEth1);
        foreign.protocol = RTPROT_STATIC;
        topology.snapshot.routes.push_back(foreign);

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        REQUIRE(plan.errors.size() == 1);
        CHECK(mentions(plan.errors, "eth1"));
        CHECK(mentions(plan.errors, "table 1003"));
        CHECK(mentions(plan.errors, "--table-base"));
        CHECK(routes_in(plan, 1000 + kEth1).empty());
        CHECK(find_interface(plan, "eth1", AF_INET) == nullptr);
        CHECK(find_interface(plan, "eth0", AF_INET) != nullptr);
    }

    TEST_CASE("own routes in a table are no conflict") {
        Topology topology = two_networks();
        topology.snapshot.routes.push_back(default_via("198.18.1.254", kEth1, 1000 + kEth1));
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        CHECK(plan.errors.empty());
        CHECK(find_interface(plan, "eth1", AF_INET) != nullptr);
    }

    TEST_CASE("conflict of one family leaves the other") {
        Topology topology = two_networks();
        topology.address(kEth1, "fd00:1::2/64");
        Route foreign = connected("fd00:99::/64", kEth1, "", 1000 + kEth1);
        foreign.protocol = RTPROT_BOOT;
        topology.snapshot.routes.push_back(foreign);

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        CHECK(plan.errors.size() == 1);
        CHECK(find_interface(plan, "eth1", AF_INET) != nullptr);
        CHECK(find_interface(plan, "eth1", AF_INET6) == nullptr);
    }

    TEST_CASE("reserved table id is a conflict") {
        PlanOptions options;
        options.table_base = RT_TABLE_MAIN - kEth1;
        Plan plan = make_plan(two_networks().snapshot, options);
        CHECK(mentions(plan.errors, "table 254"));
        CHECK(mentions(plan.errors, "--table-base"));
        CHECK(find_interface(plan, "eth1", AF_INET) == nullptr);
    }

    TEST_CASE("table id past 32 bits is a conflict") {
        PlanOptions options;
        options.table_base = UINT32_MAX - 1;
        Plan plan = make_plan(two_networks().snapshot, options);
        CHECK(plan.errors.size() == 2);
        CHECK(plan.rules.empty());
        CHECK(plan.routes.empty());
    }

    TEST_CASE("tentative IPv6 address gets rule without src") {
        Topology topology;
        topology.link(kEth1, "eth1").address(kEth1, "fd00:1::2/64", IFA_F_TENTATIVE);
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        CHECK(plan.rules.size() == 2);
        CHECK(plan.rules[1] == from_rule("fd00:1::2", 1000 + kEth1));
        std::vector<Route> expected = {connected("fd00:1::/64", kEth1, "", 1000 + kEth1),
                                       default_via("fd00:1::1", kEth1, 1000 + kEth1)};
        CHECK_OBJECTS(plan.routes, expected);
    }

    TEST_CASE("optimistic IPv6 address keeps src") {
        Topology topology;
        topology.link(kEth1, "eth1")
            .address(kEth1, "fd00:1::2/64", IFA_F_TENTATIVE | IFA_F_OPTIMISTIC);
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        REQUIRE(!plan.routes.empty());
        CHECK(plan.routes[0] == connected("fd00:1::/64", kEth1, "fd00:1::2", 1000 + kEth1));
    }

    TEST_CASE("rule priority and table base options") {
        PlanOptions options;
        options.rule_priority = 500;
        options.table_base = 20000;
        Plan plan = make_plan(two_networks().snapshot, options);
        std::vector<Rule> expected = {main_first_rule(AF_INET, 500),
                                      from_rule("198.18.0.2", 20000 + kEth0, 501),
                                      from_rule("198.18.1.2", 20000 + kEth1, 501)};
        CHECK_OBJECTS(plan.rules, expected);
        CHECK(routes_in(plan, 20000 + kEth1).size() == 2);
    }

    TEST_CASE("one rule per address, one table per interface") {
        Topology topology = two_networks();
        topology.address(kEth1, "198.18.1.3/24");
        topology.snapshot.routes.pop_back(); // the kernel keeps one prefix route per subnet
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        std::vector<Rule> expected = {
            main_first_rule(AF_INET), from_rule("198.18.0.2", 1000 + kEth0),
            from_rule("198.18.1.2", 1000 + kEth1), from_rule("198.18.1.3", 1000 + kEth1)};
        CHECK_OBJECTS(plan.rules, expected);
        CHECK(routes_in(plan, 1000 + kEth1).size() == 2);
    }

    TEST_CASE("main routes with a gateway copied") {
        Topology topology = two_networks();
        topology.main_route("198.18.50.0/24", "198.18.1.9", kEth1, 20, RTPROT_STATIC);
        topology.snapshot.routes.back().flags = RTNH_F_LINKDOWN | RTNH_F_ONLINK;
        Plan plan = make_plan(topology.snapshot, PlanOptions{});

        Route copy = topology.snapshot.routes.back();
        copy.table = 1000 + kEth1;
        copy.protocol = kProtocol;
        copy.flags = RTNH_F_ONLINK;
        std::vector<Route> expected = {
            connected("198.18.1.0/24", kEth1, "198.18.1.2", 1000 + kEth1), copy,
            default_via("198.18.1.1", kEth1, 1000 + kEth1)};
        CHECK_OBJECTS(routes_in(plan, 1000 + kEth1), expected);
    }

    TEST_CASE("warning names the interface without gateway") {
        PlanOptions options;
        options.guess = false;
        Plan plan = make_plan(two_networks().snapshot, options);
        REQUIRE(plan.warnings.size() == 1);
        CHECK(mentions(plan.warnings, "eth1"));
        CHECK(mentions(plan.warnings, "--gateway"));
        CHECK(routes_in(plan, 1000 + kEth1).size() == 1);
    }

    TEST_CASE("gateway option outside the prefix warned") {
        PlanOptions options;
        options.gateways = {GatewayOption{"eth1", std::nullopt, ip("198.18.9.1")}};
        Plan plan = make_plan(two_networks().snapshot, options);
        CHECK(mentions(plan.warnings, "198.18.9.1"));
        CHECK(plan.routes.back() == default_via("198.18.9.1", kEth1, 1000 + kEth1));
    }

    TEST_CASE("plan independent of dump order") {
        Topology reversed = two_networks();
        std::reverse(reversed.snapshot.links.begin(), reversed.snapshot.links.end());
        std::reverse(reversed.snapshot.addresses.begin(), reversed.snapshot.addresses.end());
        Plan expected = make_plan(two_networks().snapshot, PlanOptions{});
        Plan plan = make_plan(reversed.snapshot, PlanOptions{});
        CHECK_OBJECTS(plan.rules, expected.rules);
        CHECK_OBJECTS(plan.routes, expected.routes);
    }

    TEST_CASE("interface summary for the log") {
        Plan plan = make_plan(two_networks().snapshot, PlanOptions{});
        const InterfacePlan* eth1 = find_interface(plan, "eth1", AF_INET);
        REQUIRE(eth1 != nullptr);
        CHECK(eth1->ifindex == kEth1);
        CHECK(eth1->table == 1000 + kEth1);
        CHECK(eth1->addresses == std::vector<IpAddress>{ip("198.18.1.2")});
        CHECK(eth1->gateway == ip("198.18.1.1"));
        CHECK(eth1->gateway_source == GatewaySource::first_host);
        CHECK(std::string(to_string(GatewaySource::first_host)) == "guess: first host");
    }
}
