#include "netlink/address.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>

using namespace srinit;

namespace {

IpAddress address_of(const char* text) {
    return parse_address(text).value();
}

} // namespace

TEST_SUITE("address") {

    TEST_CASE("IPv4 address round trip") {
        std::optional<IpAddress> address = parse_address("198.18.1.2");
        REQUIRE(address);
        CHECK(address->family == AF_INET);
        CHECK(address->size() == 4);
        CHECK(address->bytes[0] == 198);
        CHECK(address->bytes[3] == 2);
        CHECK(to_string(*address) == "198.18.1.2");
    }

    TEST_CASE("IPv6 address canonical round trip") {
        std::optional<IpAddress> address = parse_address("fd00:0:0:0::1");
        REQUIRE(address);
        CHECK(address->family == AF_INET6);
        CHECK(address->size() == 16);
        CHECK(address->bytes[0] == 0xfd);
        CHECK(address->bytes[15] == 1);
        CHECK(to_string(*address) == "fd00::1");
    }

    TEST_CASE("malformed addresses rejected") {
        const char* cases[] = {"",
                               "198.18.0",
                               "198.18.0.256",
                               "198.18.0.1.5",
                               " 198.18.0.1",
                               "198.18.0.1/24",
                               "fd00:::1",
                               "fd00::1::2",
                               "fd00::g",
                               "eth0"};
        for (const char* text : cases) {
            CAPTURE(text);
            CHECK_FALSE(parse_address(text));
        }
    }

    TEST_CASE("unset address formats as empty") {
        IpAddress unset;
        CHECK_FALSE(unset.is_set());
        CHECK(to_string(unset) == "");
    }

    TEST_CASE("prefix round trip keeps host bits") {
        std::optional<Prefix> v4 = parse_prefix("198.18.1.2/24");
        REQUIRE(v4);
        CHECK(v4->length == 24);
        CHECK(to_string(*v4) == "198.18.1.2/24");

        std::optional<Prefix> v6 = parse_prefix("fd00:1::5/64");
        REQUIRE(v6);
        CHECK(v6->length == 64);
        CHECK(to_string(*v6) == "fd00:1::5/64");

        std::optional<Prefix> all = parse_prefix("0.0.0.0/0");
        REQUIRE(all);
        CHECK(all->length == 0);
        CHECK(to_string(*all) == "0.0.0.0/0");
    }

    TEST_CASE("malformed prefixes rejected") {
        const char* cases[] = {"198.18.0.0",    "198.18.0.0/",     "198.18.0.0/33", "198.18.0.0/-1",
                               "198.18.0.0/2x", "198.18.0.0/1000", "fd00::/129",    "/24",
                               "fd00::/64/1",   "eth0/24"};
        for (const char* text : cases) {
            CAPTURE(text);
            CHECK_FALSE(parse_prefix(text));
        }
    }

    TEST_CASE("prefix length limits per family") {
        CHECK(parse_prefix("198.18.0.1/32"));
        CHECK(parse_prefix("fd00::1/128"));
        CHECK_FALSE(parse_prefix("198.18.0.1/64"));
    }

    TEST_CASE("address equality and order") {
        CHECK(address_of("198.18.0.1") == address_of("198.18.0.1"));
        CHECK(address_of("198.18.0.1") != address_of("198.18.0.2"));
        CHECK(address_of("198.18.0.1") < address_of("198.18.0.2"));
        CHECK_FALSE(address_of("198.18.0.2") < address_of("198.18.0.1"));
        // IPv4 sorts before IPv6 because AF_INET is the smaller family number.
        CHECK(address_of("198.18.0.1") < address_of("fd00::1"));
        CHECK(address_of("::") != IpAddress{});
    }

    TEST_CASE("prefix equality compares length") {
        CHECK(parse_prefix("198.18.0.0/24") == parse_prefix("198.18.0.0/24"));
        CHECK(parse_prefix("198.18.0.0/24") != parse_prefix("198.18.0.0/25"));
    }

    TEST_CASE("network_of clears host bits") {
        CHECK(to_string(network_of(address_of("198.18.1.77"), 24)) == "198.18.1.0");
        CHECK(to_string(network_of(address_of("198.18.1.77"), 26)) == "198.18.1.64");
        CHECK(to_string(network_of(address_of("198.18.1.77"), 0)) == "0.0.0.0");
        CHECK(to_string(network_of(address_of("198.18.1.77"), 32)) == "198.18.1.77");
        CHECK(to_string(network_of(address_of("fd00:1:2:3::9"), 48)) == "fd00:1:2::");
        CHECK(to_string(network_of(address_of("198.18.1.77"), 31)) == "198.18.1.76");
        CHECK(to_string(network_of(address_of("198.18.1.77"), 1)) == "128.0.0.0");
        CHECK(to_string(network_of(address_of("198.18.1.77"), 9)) == "198.0.0.0");
        CHECK(to_string(network_of(address_of("fd00::ffff:7"), 127)) == "fd00::ffff:6");
        CHECK(to_string(network_of(address_of("fd00:1:2:3:ffff::"), 65)) == "fd00:1:2:3:8000::");
        CHECK(to_string(network_of(address_of("fd00:1:2:3::9"), 128)) == "fd00:1:2:3::9");
    }

    TEST_CASE("contains checks family and leading bits") {
        Prefix subnet = parse_prefix("198.18.1.0/24").value();
        CHECK(contains(subnet, address_of("198.18.1.200")));
        CHECK_FALSE(contains(subnet, address_of("198.18.2.1")));
        CHECK_FALSE(contains(subnet, address_of("fd00::1")));
        CHECK(contains(parse_prefix("::/0").value(), address_of("fd00::1")));
        CHECK(contains(parse_prefix("fd00:1::/64").value(), address_of("fd00:1::abcd")));
        CHECK_FALSE(contains(parse_prefix("fd00:1::/64").value(), address_of("fd00:2::1")));
    }

    TEST_CASE("first_host of a prefix") {
        CHECK(to_string(first_host(parse_prefix("198.18.1.9/24").value()).value()) == "198.18.1.1");
        CHECK(to_string(first_host(parse_prefix("198.18.1.9/30").value()).value()) == "198.18.1.9");
        CHECK(to_string(first_host(parse_prefix("fd00:1::9/64").value()).value()) == "fd00:1::1");
        CHECK_FALSE(first_host(parse_prefix("198.18.1.8/31").value()));
        CHECK_FALSE(first_host(parse_prefix("198.18.1.8/32").value()));
        CHECK_FALSE(first_host(parse_prefix("fd00::/127").value()));
        CHECK_FALSE(first_host(parse_prefix("fd00::1/128").value()));
    }

    TEST_CASE("link-local addresses") {
        CHECK(is_link_local(address_of("169.254.3.4")));
        CHECK_FALSE(is_link_local(address_of("169.253.3.4")));
        CHECK(is_link_local(address_of("fe80::1")));
        CHECK(is_link_local(address_of("febf::1")));
        CHECK_FALSE(is_link_local(address_of("fec0::1")));
        CHECK_FALSE(is_link_local(address_of("fd00::1")));
        CHECK_FALSE(is_link_local(IpAddress{}));
    }

} // TEST_SUITE("address")
