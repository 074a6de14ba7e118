// The plan for each scenario of the kernel tests, from a snapshot that mirrors the app
// namespace's topology. Addresses: back 198.18.0.0/24, front 198.18.1.0/24, gateways .1.
#include "netlink/plan.hpp"
#include "netlink/reconcile.hpp"

#include "tests/unit/topology.hpp"

using namespace srinit;
using namespace topology;

namespace {

constexpr uint32_t kFirst = 20;  // ifindex of eth0
constexpr uint32_t kSecond = 22; // ifindex of eth1

// Adds an interface with its link-local address, as every veth has one.
void attach(Topology& topology, uint32_t ifindex, const char* name, const char* cidr,
            const char* kind = "veth") {
    topology.link(ifindex, name, IFF_UP | IFF_RUNNING, kind).address(ifindex, cidr);
    std::string link_local = "fe80::" + std::to_string(ifindex) + "/64";
    topology.address(ifindex, link_local.c_str());
}

// D1: front is eth1, back is eth0 with main's default route.
Topology front_and_back() {
    Topology topology;
    topology.loopback();
    attach(topology, kFirst, "eth0", "198.18.0.2/24");
    attach(topology, kSecond, "eth1", "198.18.1.2/24");
    topology.main_default("198.18.0.1", kFirst);
    return topology;
}

// D3: eth1 is on an internal network, eth0 on an external one with main's default route.
Topology internal_and_external() {
    Topology topology;
    topology.loopback();
    attach(topology, kFirst, "eth0", "198.18.0.2/24");
    attach(topology, kSecond, "eth1", "198.18.2.2/24");
    topology.main_default("198.18.0.1", kFirst);
    return topology;
}

// D5: eth0 is the cluster network with main's default route, net1 a macvlan on a LAN.
Topology cluster_and_lan() {
    Topology topology;
    topology.loopback();
    attach(topology, 2, "eth0", "198.18.0.2/24");
    attach(topology, 5, "net1", "198.18.10.5/24", "macvlan");
    topology.main_default("198.18.0.1", 2);
    return topology;
}

std::vector<Rule> ipv4_rules(const char* first, uint32_t first_table, const char* second,
                             uint32_t second_table) {
    return {main_first_rule(AF_INET), from_rule(first, first_table),
            from_rule(second, second_table)};
}

} // namespace

TEST_SUITE("scenarios") {

    TEST_CASE("D1 front gets its own table") {
        Plan plan = make_plan(front_and_back().snapshot, PlanOptions{});
        CHECK_OBJECTS(plan.rules, ipv4_rules("198.18.0.2", 1020, "198.18.1.2", 1022));
        std::vector<Route> expected = {connected("198.18.0.0/24", kFirst, "198.18.0.2", 1020),
                                       default_via("198.18.0.1", kFirst, 1020),
                                       connected("198.18.1.0/24", kSecond, "198.18.1.2", 1022),
                                       default_via("198.18.1.1", kSecond, 1022)};
        CHECK_OBJECTS(plan.routes, expected);
        CHECK(plan.errors.empty());
        CHECK(plan.warnings.empty());
        CHECK(find_interface(plan, "eth0", AF_INET)->gateway_source == GatewaySource::main_route);
        CHECK(find_interface(plan, "eth1", AF_INET)->gateway_source == GatewaySource::first_host);
    }

    TEST_CASE("D1 main table never touched") {
        Plan plan = make_plan(front_and_back().snapshot, PlanOptions{});
        for (const Route& route : plan.routes)
            CHECK(route.table != RT_TABLE_MAIN);
        for (const Change& change : reconcile(plan, front_and_back().snapshot))
            if (const Route* route = std::get_if<Route>(&change.object))
                CHECK(route->table != RT_TABLE_MAIN);
    }

    TEST_CASE("D2 other attach order, same routing") {
        Topology topology;
        topology.loopback();
        attach(topology, kFirst, "eth0", "198.18.1.2/24");
        attach(topology, kSecond, "eth1", "198.18.0.2/24");
        topology.main_default("198.18.0.1", kSecond);

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        CHECK_OBJECTS(plan.rules, ipv4_rules("198.18.1.2", 1020, "198.18.0.2", 1022));
        std::vector<Route> expected = {connected("198.18.1.0/24", kFirst, "198.18.1.2", 1020),
                                       default_via("198.18.1.1", kFirst, 1020),
                                       connected("198.18.0.0/24", kSecond, "198.18.0.2", 1022),
                                       default_via("198.18.0.1", kSecond, 1022)};
        CHECK_OBJECTS(plan.routes, expected);
    }

    TEST_CASE("D3 internal network gets no default without guess") {
        Topology topology = internal_and_external();
        PlanOptions options;
        options.guess = false;

        Plan plan = make_plan(topology.snapshot, options);
        std::vector<Route> expected = {connected("198.18.2.0/24", kSecond, "198.18.2.2", 1022)};
        CHECK_OBJECTS(routes_in(plan, 1022), expected);
        REQUIRE(plan.warnings.size() == 1);
        CHECK(mentions(plan.warnings, "eth1"));
        CHECK(mentions(plan.warnings, "--gateway"));
        for (const Route& route : plan.routes)
            CHECK(route.table != RT_TABLE_MAIN);
    }

    TEST_CASE("D3 internal network default only as a logged guess") {
        Topology topology = internal_and_external();

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        const InterfacePlan* internal = find_interface(plan, "eth1", AF_INET);
        REQUIRE(internal != nullptr);
        CHECK(internal->gateway_source == GatewaySource::first_host);
        CHECK(plan.routes.back() == default_via("198.18.2.1", kSecond, 1022));
    }

    TEST_CASE("D4 each network keeps its own default") {
        Topology topology;
        topology.loopback();
        attach(topology, 2, "eth0", "198.18.0.2/24");
        attach(topology, 3, "eth1", "198.18.1.2/24");
        attach(topology, 4, "eth2", "198.18.2.2/24");
        topology.main_default("198.18.0.1", 2, 100)
            .main_default("198.18.1.1", 3, 100)
            .main_default("198.18.2.1", 4, 100);

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        const char* gateways[] = {"198.18.0.1", "198.18.1.1", "198.18.2.1"};
        for (uint32_t ifindex = 2; ifindex <= 4; ++ifindex) {
            CAPTURE(ifindex);
            std::vector<Route> table = routes_in(plan, 1000 + ifindex);
            REQUIRE(table.size() == 2);
            Route expected = default_via(gateways[ifindex - 2], ifindex, 1000 + ifindex);
            CHECK(table[1] == expected);
        }
        for (const InterfacePlan& interface : plan.interfaces)
            CHECK(interface.gateway_source == GatewaySource::main_route);
    }

    TEST_CASE("D5 macvlan routed through the LAN router") {
        Topology topology = cluster_and_lan();

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        std::vector<Route> expected = {connected("198.18.10.0/24", 5, "198.18.10.5", 1005),
                                       default_via("198.18.10.1", 5, 1005)};
        CHECK_OBJECTS(routes_in(plan, 1005), expected);
        CHECK(plan.rules.back() == from_rule("198.18.10.5", 1005));
    }

    TEST_CASE("D6 no guess warns, then the option fixes it") {
        Topology topology = cluster_and_lan();
        PlanOptions options;
        options.guess = false;

        Plan unguessed = make_plan(topology.snapshot, options);
        REQUIRE(unguessed.warnings.size() == 1);
        CHECK(mentions(unguessed.warnings, "net1"));
        CHECK(mentions(unguessed.warnings, "--gateway net1="));
        CHECK(routes_in(unguessed, 1005).size() == 1);

        Route expected = default_via("198.18.10.1", 5, 1005);
        options.gateways = {GatewayOption{"net1", std::nullopt, ip("198.18.10.1")}};
        Plan by_name = make_plan(topology.snapshot, options);
        CHECK(by_name.warnings.empty());
        CHECK(routes_in(by_name, 1005).back() == expected);

        options.gateways = {GatewayOption{"", net("198.18.10.0/24"), ip("198.18.10.1")}};
        Plan by_subnet = make_plan(topology.snapshot, options);
        CHECK(by_subnet.warnings.empty());
        CHECK(routes_in(by_subnet, 1005).back() == expected);
        CHECK(find_interface(by_subnet, "net1", AF_INET)->gateway_source ==
              GatewaySource::option_subnet);
    }

    TEST_CASE("D7 specific main route still wins") {
        Topology topology = front_and_back();
        topology.main_route("198.18.100.0/24", "198.18.0.1", kFirst, 0, RTPROT_STATIC);
        Plan plan = make_plan(topology.snapshot, PlanOptions{});

        // Main is asked first for everything but its default, so the static route decides
        // for the front address too.
        REQUIRE(plan.rules.size() == 3);
        CHECK(plan.rules[0] == main_first_rule(AF_INET));
        CHECK(plan.rules[0].priority < plan.rules[2].priority);
        Route copy = default_via("198.18.0.1", kFirst, 1020);
        copy.dst = net("198.18.100.0/24");
        CHECK(routes_in(plan, 1020)[1] == copy);
        CHECK(routes_in(plan, 1022).size() == 2);
    }

    TEST_CASE("D8 front subnet answered on the link") {
        Plan plan = make_plan(front_and_back().snapshot, PlanOptions{});
        std::vector<Route> table = routes_in(plan, 1022);
        REQUIRE(!table.empty());
        CHECK(table[0] == connected("198.18.1.0/24", kSecond, "198.18.1.2", 1022));
        CHECK(!table[0].gateway.is_set());
    }

    TEST_CASE("D9 dual stack plans both families") {
        Topology topology = front_and_back();
        topology.address(kFirst, "fd00::2/64").address(kSecond, "fd00:1::2/64");
        topology.main_default("fd00::1", kFirst, 1024);
        Plan plan = make_plan(topology.snapshot, PlanOptions{});

        std::vector<Rule> rules = ipv4_rules("198.18.0.2", 1020, "198.18.1.2", 1022);
        rules.push_back(main_first_rule(AF_INET6));
        rules.push_back(from_rule("fd00::2", 1020));
        rules.push_back(from_rule("fd00:1::2", 1022));
        CHECK_OBJECTS(plan.rules, rules);

        std::vector<Route> ipv6 = {connected("fd00::/64", kFirst, "fd00::2", 1020),
                                   default_via("fd00::1", kFirst, 1020),
                                   connected("fd00:1::/64", kSecond, "fd00:1::2", 1022),
                                   default_via("fd00:1::1", kSecond, 1022)};
        REQUIRE(plan.routes.size() == 8);
        std::vector<Route> planned_ipv6(plan.routes.begin() + 4, plan.routes.end());
        CHECK_OBJECTS(planned_ipv6, ipv6);
    }

    TEST_CASE("D12 restart changes nothing") {
        Topology topology = front_and_back();
        topology.address(kFirst, "fd00::2/64").address(kSecond, "fd00:1::2/64");
        Plan first = make_plan(topology.snapshot, PlanOptions{});

        Snapshot after_first = topology.snapshot;
        after_first.rules = first.rules;
        after_first.routes.insert(after_first.routes.end(), first.routes.begin(),
                                  first.routes.end());
        Plan second = make_plan(after_first, PlanOptions{});
        CHECK(second.errors.empty());
        CHECK_OBJECTS(second.rules, first.rules);
        CHECK_OBJECTS(second.routes, first.routes);
        CHECK(reconcile(second, after_first).empty());
    }
}
