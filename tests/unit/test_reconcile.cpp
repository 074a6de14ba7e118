#include "netlink/reconcile.hpp"

#include "tests/unit/topology.hpp"

using namespace srinit;
using namespace topology;

namespace {

constexpr uint32_t kEth0 = 2;
constexpr uint32_t kEth1 = 3;
constexpr uint32_t kTable0 = 1000 + kEth0;
constexpr uint32_t kTable1 = 1000 + kEth1;

// Dual-stack eth0 with main's defaults, and eth1 whose gateways are guessed.
Topology dual_stack() {
    Topology topology;
    topology.loopback()
        .link(kEth0, "eth0")
        .address(kEth0, "198.18.0.2/24")
        .address(kEth0, "fd00:0:0:0::2/64")
        .link(kEth1, "eth1")
        .address(kEth1, "198.18.1.2/24")
        .address(kEth1, "fd00:1::2/64")
        .main_default("198.18.0.1", kEth0)
        .main_default("fd00::1", kEth0, 1024);
    return topology;
}

// Returns `topology` with `plan` installed, as a dump reports it: "from all" without an address
// family.
Snapshot installed(const Topology& topology, const Plan& plan) {
    Snapshot snapshot = topology.snapshot;
    for (Rule rule : plan.rules) {
        if (rule.src.length == 0)
            rule.src = Prefix{};
        snapshot.rules.push_back(rule);
    }
    snapshot.routes.insert(snapshot.routes.end(), plan.routes.begin(), plan.routes.end());
    return snapshot;
}

Change add(Rule rule) {
    return Change{Change::Op::add, rule};
}
Change add(Route route) {
    return Change{Change::Op::add, route};
}
Change remove(Rule rule) {
    return Change{Change::Op::remove, rule};
}
Change remove(Route route) {
    return Change{Change::Op::remove, route};
}
Change replace(Route route) {
    return Change{Change::Op::replace, route};
}

Rule foreign_rule() {
    Rule rule = from_rule("198.18.1.2", 100, 900);
    rule.protocol = RTPROT_BOOT;
    return rule;
}

} // namespace

TEST_SUITE("reconcile") {

    TEST_CASE("nothing to do when the kernel matches") {
        Topology topology = dual_stack();
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        CHECK(reconcile(plan, installed(topology, plan)).empty());
    }

    TEST_CASE("IPv6 scope reported differently ignored") {
        Topology topology = dual_stack();
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        Snapshot current = installed(topology, plan);
        for (Route& route : current.routes)
            if (route.family == AF_INET6 && route.protocol == kProtocol)
                route.scope = RT_SCOPE_LINK;
        CHECK(reconcile(plan, current).empty());
    }

    TEST_CASE("empty kernel gets routes before rules") {
        Topology topology;
        topology.link(kEth1, "eth1").address(kEth1, "198.18.1.2/24");
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        std::vector<Change> expected = {
            add(connected("198.18.1.0/24", kEth1, "198.18.1.2", kTable1)),
            add(default_via("198.18.1.1", kEth1, kTable1)), add(main_first_rule(AF_INET)),
            add(from_rule("198.18.1.2", kTable1))};
        std::vector<Change> changes = reconcile(plan, topology.snapshot);
        CHECK_OBJECTS(changes, expected);
    }

    TEST_CASE("stale objects removed, rules first") {
        Topology before = dual_stack();
        Plan old_plan = make_plan(before.snapshot, PlanOptions{});
        Snapshot current = installed(before, old_plan);

        // eth1 is detached and eth0 loses its IPv6 address; srinit's objects are still there.
        Topology after;
        after.loopback()
            .link(kEth0, "eth0")
            .address(kEth0, "198.18.0.2/24")
            .main_default("198.18.0.1", kEth0);
        Plan plan = make_plan(after.snapshot, PlanOptions{});
        current.links = after.snapshot.links;
        current.addresses = after.snapshot.addresses;

        std::vector<Change> changes = reconcile(plan, current);
        Rule all_ipv6 = main_first_rule(AF_INET6);
        all_ipv6.src = Prefix{};
        std::vector<Change> expected = {
            remove(from_rule("198.18.1.2", kTable1)),
            remove(from_rule("fd00::2", kTable0)),
            remove(from_rule("fd00:1::2", kTable1)),
            remove(all_ipv6),
            remove(connected("198.18.1.0/24", kEth1, "198.18.1.2", kTable1)),
            remove(default_via("198.18.1.1", kEth1, kTable1)),
            remove(connected("fd00::/64", kEth0, "fd00::2", kTable0)),
            remove(default_via("fd00::1", kEth0, kTable0)),
            remove(connected("fd00:1::/64", kEth1, "fd00:1::2", kTable1)),
            remove(default_via("fd00:1::1", kEth1, kTable1))};
        CHECK_OBJECTS(changes, expected);
    }

    TEST_CASE("foreign objects left alone") {
        Topology topology = dual_stack();
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        Snapshot current = installed(topology, plan);
        current.rules.push_back(foreign_rule());
        Route foreign_route = default_via("198.18.0.254", kEth0, 100);
        foreign_route.protocol = RTPROT_STATIC;
        current.routes.push_back(foreign_route);
        // A route in main marked with srinit's protocol was not written by srinit.
        Route in_main = default_via("198.18.0.1", kEth0, RT_TABLE_MAIN);
        in_main.priority = 77;
        current.routes.push_back(in_main);
        CHECK(reconcile(plan, current).empty());
    }

    TEST_CASE("changed gateway replaced") {
        Topology topology = dual_stack();
        Plan old_plan = make_plan(topology.snapshot, PlanOptions{});
        Snapshot current = installed(topology, old_plan);

        PlanOptions options;
        options.gateways = {GatewayOption{"eth1", std::nullopt, ip("198.18.1.254")}};
        Plan plan = make_plan(topology.snapshot, options);
        std::vector<Change> expected = {replace(default_via("198.18.1.254", kEth1, kTable1))};
        CHECK_OBJECTS(reconcile(plan, current), expected);
    }

    TEST_CASE("cleared tentative flag adds src") {
        Topology before;
        before.link(kEth1, "eth1").address(kEth1, "fd00:1::2/64", IFA_F_TENTATIVE);
        Snapshot current = installed(before, make_plan(before.snapshot, PlanOptions{}));

        Topology after;
        after.link(kEth1, "eth1").address(kEth1, "fd00:1::2/64");
        current.addresses = after.snapshot.addresses;
        std::vector<Change> expected = {
            replace(connected("fd00:1::/64", kEth1, "fd00:1::2", kTable1))};
        CHECK_OBJECTS(reconcile(make_plan(current, PlanOptions{}), current), expected);
    }

    TEST_CASE("changed metric is remove and add") {
        Topology topology = dual_stack();
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        Snapshot current = installed(topology, plan);
        Route odd = default_via("198.18.1.1", kEth1, kTable1);
        for (Route& route : current.routes)
            if (route == odd)
                route.priority = 5;
        odd.priority = 5;
        std::vector<Change> expected = {remove(odd),
                                        add(default_via("198.18.1.1", kEth1, kTable1))};
        CHECK_OBJECTS(reconcile(plan, current), expected);
    }

    TEST_CASE("duplicate own rule removed once") {
        Topology topology = dual_stack();
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        Snapshot current = installed(topology, plan);
        current.rules.push_back(from_rule("198.18.1.2", kTable1));
        std::vector<Change> expected = {remove(from_rule("198.18.1.2", kTable1))};
        CHECK_OBJECTS(reconcile(plan, current), expected);
    }

    TEST_CASE("changed rule removed and added") {
        Topology topology = dual_stack();
        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        Rule planned = from_rule("198.18.1.2", kTable1);
        Rule variants[] = {planned, planned, planned, planned, planned};
        variants[0].table = 999;
        variants[1].iifname = "eth1";
        variants[2].fwmark = 7;
        variants[3].suppress_prefixlength = 0;
        variants[4].src.length = 24;
        for (const Rule& variant : variants) {
            Snapshot current = installed(topology, plan);
            for (Rule& rule : current.rules)
                if (rule == planned)
                    rule = variant;
            std::vector<Change> expected = {remove(variant), add(planned)};
            CHECK_OBJECTS(reconcile(plan, current), expected);
        }
    }
}

TEST_SUITE("ip command") {

    TEST_CASE("from rule") {
        CHECK(to_ip_command(add(from_rule("198.18.1.2", 1003))) ==
              "ip -4 rule add priority 1001 from 198.18.1.2 lookup 1003 proto 83");
    }

    TEST_CASE("main-first rule in both families") {
        CHECK(to_ip_command(add(main_first_rule(AF_INET))) ==
              "ip -4 rule add priority 1000 from all lookup main suppress_prefixlength 0 proto 83");
        CHECK(to_ip_command(remove(main_first_rule(AF_INET6))) ==
              "ip -6 rule del priority 1000 from all lookup main suppress_prefixlength 0 proto 83");
    }

    TEST_CASE("rule with selectors and a subnet source") {
        Rule rule = foreign_rule();
        rule.src = net("198.18.1.0/24");
        rule.iifname = "eth1";
        rule.oifname = "eth0";
        rule.fwmark = 0x1f;
        CHECK(to_ip_command(remove(rule)) == "ip -4 rule del priority 900 from 198.18.1.0/24 "
                                             "iif eth1 oif eth0 fwmark 0x1f lookup 100 proto 3");
        rule.action = FR_ACT_UNREACHABLE;
        CHECK(to_ip_command(remove(rule)).find(" unreachable proto 3") != std::string::npos);
    }

    TEST_CASE("connected route with if name") {
        Change change = add(connected("198.18.1.0/24", 3, "198.18.1.2", 1003));
        CHECK(to_ip_command(change) ==
              "ip -4 route add 198.18.1.0/24 dev if3 src 198.18.1.2 table 1003 proto 83 "
              "scope link");
        Snapshot snapshot = dual_stack().snapshot;
        CHECK(to_ip_command(change, snapshot) ==
              "ip -4 route add 198.18.1.0/24 dev eth1 src 198.18.1.2 table 1003 proto 83 "
              "scope link");
    }

    TEST_CASE("IPv6 default route") {
        Snapshot snapshot = dual_stack().snapshot;
        CHECK(to_ip_command(add(default_via("fd00:1::1", 3, 1003)), snapshot) ==
              "ip -6 route add default via fd00:1::1 dev eth1 table 1003 proto 83 metric 1024");
        CHECK(to_ip_command(add(default_via("fd00:1::1", 9, 1009)), snapshot) ==
              "ip -6 route add default via fd00:1::1 dev if9 table 1009 proto 83 metric 1024");
    }

    TEST_CASE("replace and delete of IPv4 routes") {
        CHECK(to_ip_command(replace(default_via("198.18.1.254", 3, 1003))) ==
              "ip -4 route replace default via 198.18.1.254 dev if3 table 1003 proto 83");
        Route odd = default_via("198.18.1.254", 3, 1003);
        odd.tos = 0x10;
        odd.flags = RTNH_F_ONLINK;
        odd.priority = 5;
        CHECK(to_ip_command(remove(odd)) == "ip -4 route del default tos 0x10 via 198.18.1.254 "
                                            "dev if3 onlink table 1003 proto 83 metric 5");
    }

    TEST_CASE("device-only and typed routes") {
        Route device = Topology::make(AF_INET, 1003, kProtocol, RT_SCOPE_LINK);
        device.dst = any(AF_INET);
        device.oif = 3;
        CHECK(to_ip_command(add(device)) ==
              "ip -4 route add default dev if3 table 1003 proto 83 scope link");
        device.scope = RT_SCOPE_UNIVERSE;
        CHECK(to_ip_command(add(device)) ==
              "ip -4 route add default dev if3 table 1003 proto 83 scope global");
        device.type = RTN_UNREACHABLE;
        device.oif = 0;
        CHECK(to_ip_command(add(device)) ==
              "ip -4 route add unreachable default table 1003 proto 83 scope global");
    }
}
