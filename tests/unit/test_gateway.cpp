#include "netlink/gateway.hpp"

#include "tests/unit/topology.hpp"

using namespace srinit;
using namespace topology;

namespace {

constexpr uint32_t kEth0 = 2;
constexpr uint32_t kEth1 = 3;

// The managed addresses of `ifindex` and `family`, as the plan passes them.
std::vector<Address> addresses_of(const Snapshot& snapshot, uint32_t ifindex, uint8_t family) {
    std::vector<Address> addresses;
    for (const Address& address : snapshot.addresses)
        if (address.ifindex == ifindex && address.local.family == family &&
            !is_link_local(address.local))
            addresses.push_back(address);
    return addresses;
}

Gateway discover(const Topology& topology, uint32_t ifindex, uint8_t family,
                 const PlanOptions& options = PlanOptions{}) {
    const Link* link = topology.snapshot.find_link(ifindex);
    REQUIRE(link != nullptr);
    return find_gateway(topology.snapshot, *link, family,
                        addresses_of(topology.snapshot, ifindex, family), options);
}

// eth1 alone, 198.18.1.2/24 and fd00:1::2/64, nothing in main but its prefixes.
Topology single(const char* ipv4 = "198.18.1.2/24") {
    Topology topology;
    topology.link(kEth1, "eth1").address(kEth1, ipv4).address(kEth1, "fd00:1::2/64");
    return topology;
}

GatewayOption by_name(const char* name, const char* gateway) {
    return GatewayOption{name, std::nullopt, ip(gateway)};
}

GatewayOption by_subnet(const char* subnet, const char* gateway) {
    return GatewayOption{"", net(subnet), ip(gateway)};
}

} // namespace

TEST_SUITE("gateway") {

    TEST_CASE("option by interface name") {
        Topology topology = single();
        topology.main_default("198.18.1.9", kEth1);
        PlanOptions options;
        options.gateways = {by_name("eth1", "198.18.1.254")};
        Gateway gateway = discover(topology, kEth1, AF_INET, options);
        CHECK(gateway.source == GatewaySource::option_interface);
        CHECK(gateway.address == ip("198.18.1.254"));
        CHECK(!gateway.main_route);
    }

    TEST_CASE("option by subnet") {
        PlanOptions options;
        options.gateways = {by_subnet("198.18.0.0/16", "198.18.1.254")};
        Gateway gateway = discover(single(), kEth1, AF_INET, options);
        CHECK(gateway.source == GatewaySource::option_subnet);
        CHECK(gateway.address == ip("198.18.1.254"));
    }

    TEST_CASE("name wins over subnet in any order") {
        PlanOptions options;
        options.gateways = {by_subnet("198.18.1.0/24", "198.18.1.253"),
                            by_name("eth1", "198.18.1.254")};
        Gateway gateway = discover(single(), kEth1, AF_INET, options);
        CHECK(gateway.source == GatewaySource::option_interface);
        CHECK(gateway.address == ip("198.18.1.254"));
    }

    TEST_CASE("unrelated options ignored") {
        PlanOptions options;
        options.gateways = {by_name("eth0", "198.18.1.250"),
                            by_subnet("198.18.2.0/24", "198.18.1.251"),
                            by_name("eth1", "fd00:1::fe")};
        Gateway gateway = discover(single(), kEth1, AF_INET, options);
        CHECK(gateway.source == GatewaySource::first_host);

        Gateway ipv6 = discover(single(), kEth1, AF_INET6, options);
        CHECK(ipv6.source == GatewaySource::option_interface);
        CHECK(ipv6.address == ip("fd00:1::fe"));
    }

    TEST_CASE("main route with the lowest metric") {
        Topology topology = single();
        topology.link(kEth0, "eth0")
            .address(kEth0, "198.18.0.2/24")
            .main_default("198.18.0.1", kEth0, 0)
            .main_default("198.18.1.20", kEth1, 200)
            .main_default("198.18.1.10", kEth1, 100);
        Gateway gateway = discover(topology, kEth1, AF_INET);
        CHECK(gateway.source == GatewaySource::main_route);
        CHECK(gateway.address == ip("198.18.1.10"));
        REQUIRE(gateway.main_route);
        CHECK(gateway.main_route->priority == 100);
    }

    TEST_CASE("main default of another interface ignored") {
        Topology topology = single();
        topology.link(kEth0, "eth0").address(kEth0, "198.18.0.2/24");
        topology.main_default("198.18.0.1", kEth0);
        PlanOptions options;
        options.guess = false;
        CHECK(discover(topology, kEth1, AF_INET, options).source == GatewaySource::none);
    }

    TEST_CASE("router advertisement link-local gateway") {
        Topology topology = single();
        topology.main_default("fe80::1", kEth1, 1024, RTPROT_RA);
        Gateway gateway = discover(topology, kEth1, AF_INET6);
        CHECK(gateway.source == GatewaySource::main_route);
        CHECK(gateway.address == ip("fe80::1"));

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        Route expected = default_via("fe80::1", kEth1, 1000 + kEth1);
        CHECK(plan.routes.back() == expected);
        CHECK(plan.warnings.empty());
    }

    TEST_CASE("device-only default copied") {
        Topology topology = single();
        topology.main_device_default(AF_INET, kEth1);
        Gateway gateway = discover(topology, kEth1, AF_INET);
        CHECK(gateway.source == GatewaySource::device_only);
        CHECK(!gateway.address.is_set());

        Plan plan = make_plan(topology.snapshot, PlanOptions{});
        Route expected = Topology::make(AF_INET, 1000 + kEth1, kProtocol, RT_SCOPE_LINK);
        expected.dst = any(AF_INET);
        expected.oif = kEth1;
        CHECK(routes_in(plan, 1000 + kEth1)[1] == expected);
    }

    TEST_CASE("gateway default beats device-only") {
        Topology topology = single();
        topology.main_device_default(AF_INET, kEth1).main_default("198.18.1.7", kEth1, 50);
        Gateway gateway = discover(topology, kEth1, AF_INET);
        CHECK(gateway.source == GatewaySource::main_route);
        CHECK(gateway.address == ip("198.18.1.7"));
    }

    TEST_CASE("first host guessed for both families") {
        Gateway ipv4 = discover(single(), kEth1, AF_INET);
        CHECK(ipv4.source == GatewaySource::first_host);
        CHECK(ipv4.address == ip("198.18.1.1"));
        Gateway ipv6 = discover(single(), kEth1, AF_INET6);
        CHECK(ipv6.source == GatewaySource::first_host);
        CHECK(ipv6.address == ip("fd00:1::1"));
    }

    TEST_CASE("no guess with --no-guess") {
        PlanOptions options;
        options.guess = false;
        CHECK(discover(single(), kEth1, AF_INET, options).source == GatewaySource::none);
        CHECK(discover(single(), kEth1, AF_INET6, options).source == GatewaySource::none);
    }

    TEST_CASE("no guess for /31 /32 /127 /128") {
        const char* cases[] = {"198.18.1.2/31", "198.18.1.2/32"};
        for (const char* cidr : cases) {
            CAPTURE(cidr);
            CHECK(discover(single(cidr), kEth1, AF_INET).source == GatewaySource::none);
        }
        const char* ipv6_cases[] = {"fd00:2::2/127", "fd00:2::2/128"};
        for (const char* cidr : ipv6_cases) {
            CAPTURE(cidr);
            Topology topology;
            topology.link(kEth1, "eth1").address(kEth1, cidr);
            CHECK(discover(topology, kEth1, AF_INET6).source == GatewaySource::none);
        }
    }

    TEST_CASE("no guess for IPv4 link-local") {
        Topology topology;
        topology.link(kEth1, "eth1").address(kEth1, "169.254.5.5/16");
        const Link* link = topology.snapshot.find_link(kEth1);
        REQUIRE(link != nullptr);
        Gateway gateway = find_gateway(topology.snapshot, *link, AF_INET,
                                       topology.snapshot.addresses, PlanOptions{});
        CHECK(gateway.source == GatewaySource::none);
    }

    TEST_CASE("silent guess not guessed again") {
        PlanOptions options;
        options.silent_guesses = {{kEth1, ip("198.18.1.1")}};
        CHECK(discover(single(), kEth1, AF_INET, options).source == GatewaySource::none);
        CHECK(discover(single(), kEth1, AF_INET6, options).source == GatewaySource::first_host);

        Topology topology = single();
        topology.address(kEth1, "198.18.7.5/24");
        Gateway gateway = discover(topology, kEth1, AF_INET, options);
        CHECK(gateway.source == GatewaySource::first_host);
        CHECK(gateway.address == ip("198.18.7.1"));
    }

    TEST_CASE("no guess of the address itself") {
        Gateway gateway = discover(single("198.18.1.1/24"), kEth1, AF_INET);
        CHECK(gateway.source == GatewaySource::none);
    }

    TEST_CASE("guess from a later address") {
        Topology topology = single("198.18.1.1/24");
        topology.address(kEth1, "198.18.7.5/24");
        Gateway gateway = discover(topology, kEth1, AF_INET);
        CHECK(gateway.source == GatewaySource::first_host);
        CHECK(gateway.address == ip("198.18.7.1"));
    }

    TEST_CASE("no gateway found leaves connected routes only") {
        PlanOptions options;
        options.guess = false;
        Plan plan = make_plan(single("198.18.1.2/24").snapshot, options);
        std::vector<Route> expected = {
            connected("198.18.1.0/24", kEth1, "198.18.1.2", 1000 + kEth1),
            connected("fd00:1::/64", kEth1, "fd00:1::2", 1000 + kEth1)};
        CHECK_OBJECTS(plan.routes, expected);
        CHECK(plan.warnings.size() == 2);
        CHECK(std::string(to_string(GatewaySource::none)) == "none");
    }
}
