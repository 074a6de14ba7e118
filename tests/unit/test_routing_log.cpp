#include "netlink/address.hpp"
#include "shim/option_values.hpp"
#include "shim/routing_state.hpp"

#include <doctest/doctest.h>

#include <sys/socket.h>

#include <string>
#include <vector>

namespace {

using srinit::GatewayOption;
using srinit::Plan;
using srinit::PlanOptions;
using srinit::Snapshot;

srinit::IpAddress address(const char* text) {
    return *srinit::parse_address(text);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// eth1 (ifindex 3) managed with 198.18.2.2 in table 1003, lo skipped.
Plan make_eth1_plan() {
    Plan plan;
    srinit::InterfacePlan eth1;
    eth1.ifindex = 3;
    eth1.name = "eth1";
    eth1.family = AF_INET;
    eth1.table = 1003;
    eth1.addresses = {address("198.18.2.2")};
    eth1.gateway = address("198.18.9.1");
    eth1.gateway_source = srinit::GatewaySource::option_interface;
    plan.interfaces.push_back(eth1);
    plan.skips.push_back(srinit::Skip{"lo", 0, "loopback"});
    return plan;
}

Snapshot make_eth1_snapshot() {
    Snapshot snapshot;
    snapshot.links.push_back(srinit::Link{1, "lo", 0, ""});
    snapshot.links.push_back(srinit::Link{3, "eth1", 0, ""});
    return snapshot;
}

// The failures after the kernel rejected `op` of a route to `dst` in eth1's table.
srinit::Failures reject_route(srinit::Change::Op op, const char* dst) {
    srinit::Route route;
    route.family = AF_INET;
    route.table = 1003;
    route.dst = *srinit::parse_prefix(dst);
    srinit::Failures failures;
    failures.add(srinit::Change{op, route});
    return failures;
}

GatewayOption by_name(const char* name, const char* gateway) {
    return GatewayOption{name, std::nullopt, address(gateway)};
}

GatewayOption by_subnet(const char* subnet, const char* gateway) {
    return GatewayOption{"", srinit::parse_prefix(subnet), address(gateway)};
}

} // namespace

TEST_SUITE("routing log") {
    TEST_CASE("gateway by existing name matches") {
        PlanOptions options;
        options.gateways = {by_name("eth1", "198.18.2.1")};
        CHECK(find_unmatched_gateways(options, make_eth1_snapshot(), make_eth1_plan()).empty());
    }

    TEST_CASE("gateway by unknown name warns") {
        PlanOptions options;
        options.gateways = {by_name("eth9", "198.18.2.1")};
        auto warnings = find_unmatched_gateways(options, make_eth1_snapshot(), make_eth1_plan());
        REQUIRE(warnings.size() == 1);
        CHECK(contains(warnings[0], "'eth9=198.18.2.1'"));
        CHECK(contains(warnings[0], "names no existing interface"));
        CHECK(contains(warnings[0], "applies when an interface eth9 appears"));
    }

    TEST_CASE("gateway by managed subnet matches") {
        PlanOptions options;
        options.gateways = {by_subnet("198.18.2.0/24", "198.18.2.1")};
        CHECK(find_unmatched_gateways(options, make_eth1_snapshot(), make_eth1_plan()).empty());
    }

    TEST_CASE("gateway by unmatched subnet warns") {
        PlanOptions options;
        options.gateways = {by_subnet("198.18.7.0/24", "198.18.7.1"),
                            by_subnet("fd00:7::/64", "fd00:7::1")};
        auto warnings = find_unmatched_gateways(options, make_eth1_snapshot(), make_eth1_plan());
        REQUIRE(warnings.size() == 2);
        CHECK(contains(warnings[0], "'198.18.7.0/24=198.18.7.1' matches no managed address"));
        CHECK(contains(warnings[0], "an address in 198.18.7.0/24 appears"));
        CHECK(contains(warnings[1], "'fd00:7::/64=fd00:7::1'"));
    }

    TEST_CASE("exclude of an unknown name warns") {
        PlanOptions options;
        options.exclude = {"eth1", "eth7", "veth*"};
        auto warnings = srinit::find_unmatched_excludes(options, make_eth1_snapshot());
        REQUIRE(warnings.size() == 1);
        CHECK(contains(warnings[0], "--exclude 'eth7' names no existing interface"));
    }

    TEST_CASE("unmanaged line empty when managed") {
        CHECK(srinit::describe_unmanaged(make_eth1_plan()).empty());
    }

    TEST_CASE("unmanaged line lists reasons") {
        Plan plan;
        plan.skips = {{"lo", 0, "loopback"},
                      {"eth0", 0, "excluded by 'eth*'"},
                      {"eth1", AF_INET, "no managed IPv4 address"},
                      {"eth1", AF_INET6, "no managed IPv6 address"}};
        std::string line = srinit::describe_unmanaged(plan);
        CHECK(contains(line, "no interface is managed: "));
        CHECK(contains(line, "lo (loopback)"));
        CHECK(contains(line, "eth0 (excluded by 'eth*')"));
        CHECK(contains(line, "eth1 (no managed IPv4 address, no managed IPv6 address)"));
        CHECK(contains(line, "-v"));
    }

    TEST_CASE("unmanaged line names table conflicts") {
        Plan plan;
        plan.errors = {"eth1: table 1003 already holds 1 IPv4 route"};
        CHECK(contains(srinit::describe_unmanaged(plan), "table conflicts"));
    }

    TEST_CASE("interface line with planned gateway") {
        auto lines = srinit::describe_interfaces(make_eth1_plan(), srinit::Failures{});
        REQUIRE(lines.size() == 1);
        CHECK(lines[0] ==
              "eth1: table 1003, IPv4 198.18.2.2 gateway 198.18.9.1 (--gateway by interface)");
    }

    TEST_CASE("interface line with rejected gateway") {
        auto failures = reject_route(srinit::Change::Op::replace, "0.0.0.0/0");
        auto lines = srinit::describe_interfaces(make_eth1_plan(), failures);
        REQUIRE(lines.size() == 1);
        CHECK(contains(lines[0], "gateway could not be installed (--gateway by interface)"));
        CHECK_FALSE(contains(lines[0], "198.18.9.1"));
    }

    TEST_CASE("interface line with rejected connected route") {
        auto failures = reject_route(srinit::Change::Op::add, "198.18.2.0/24");
        auto lines = srinit::describe_interfaces(make_eth1_plan(), failures);
        REQUIRE(lines.size() == 1);
        CHECK(contains(lines[0], "gateway 198.18.9.1"));
        CHECK(contains(lines[0], "incomplete: a change failed"));
    }
}

TEST_SUITE("environment names") {
    TEST_CASE("known and foreign names pass") {
        CHECK(srinit::check_variable_names({"PATH", "HOME", "SRINIT_GATEWAYS",
                                            "SRINIT_LOG_LEVEL", "SRINIT_EVENT_BUFFER"})
                  .empty());
    }

    TEST_CASE("every known name passes") {
        CHECK(srinit::check_variable_names(srinit::kKnownVariables).empty());
    }

    TEST_CASE("unknown names warned together") {
        std::string warning =
            srinit::check_variable_names({"PATH", "SRINIT_GATEWAY", "SRINIT_FOO"});
        CHECK(contains(warning, "SRINIT_GATEWAY, SRINIT_FOO"));
        CHECK(contains(warning, "SRINIT_GATEWAYS"));
        CHECK(contains(warning, "SRINIT_EVENT_BUFFER"));
        CHECK_FALSE(contains(warning, "PATH"));
    }
}

TEST_SUITE("environment names") {
    TEST_CASE("one unknown name singular") {
        std::string warning = srinit::check_variable_names({"SRINIT_FOO"});
        CHECK(contains(warning, "unknown environment variable SRINIT_FOO;"));
    }
}
