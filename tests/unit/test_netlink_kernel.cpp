// Kernel tests for the netlink layer, each in a network namespace of its own (netns_child.hpp).
#include "netlink/batch.hpp"
#include "netlink/dump.hpp"
#include "netlink/message.hpp"
#include "tests/unit/netns_child.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <doctest/doctest.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string>
#include <sys/socket.h>
#include <vector>

using namespace srinit;
using namespace srinit::testing;

namespace {

constexpr uint32_t kTable = 1003;

uint32_t device_index() {
    return if_nametoindex(kDevice);
}

Route table_route(const char* dst, const char* gateway) {
    Route route;
    route.dst = parse_prefix(dst).value();
    route.family = route.dst.address.family;
    route.table = kTable;
    route.protocol = kProtocol;
    route.scope = RT_SCOPE_UNIVERSE;
    route.type = RTN_UNICAST;
    route.gateway = parse_address(gateway).value();
    route.oif = device_index();
    route.priority = route.family == AF_INET6 ? 1024 : 0;
    return route;
}

Rule from_rule(const char* src, uint32_t priority) {
    Rule rule;
    rule.src = parse_prefix(src).value();
    rule.family = rule.src.address.family;
    rule.priority = priority;
    rule.table = kTable;
    rule.protocol = kProtocol;
    rule.action = FR_ACT_TO_TBL;
    return rule;
}

Change change_of(Change::Op op, std::variant<Rule, Route> object) {
    Change change;
    change.op = op;
    change.object = std::move(object);
    return change;
}

// Applies `changes` and returns whether the kernel acknowledged every one as done.
bool apply_all(Socket& socket, const std::vector<Change>& changes) {
    Result<std::vector<ChangeResult>> results = apply_changes(socket, changes);
    if (!results) {
        std::fprintf(stderr, "apply_changes failed: %s\n", results.error().message.c_str());
        return false;
    }
    if (results->size() != changes.size())
        return false;
    for (const ChangeResult& result : *results) {
        if (result.error != 0) {
            std::fprintf(stderr, "change failed: %s (%s)\n", std::strerror(result.error),
                         result.extack.c_str());
            return false;
        }
    }
    return true;
}

const Route* find_route(const Snapshot& snapshot, const Route& expected) {
    for (const Route& route : snapshot.routes)
        if (route.same_key(expected))
            return &route;
    return nullptr;
}

const Rule* find_rule(const Snapshot& snapshot, const Rule& expected) {
    for (const Rule& rule : snapshot.rules)
        if (rule.family == expected.family && rule.priority == expected.priority &&
            rule.src == expected.src && rule.table == expected.table)
            return &rule;
    return nullptr;
}

int count_routes_in(const Snapshot& snapshot, uint32_t table) {
    int count = 0;
    for (const Route& route : snapshot.routes)
        count += route.table == table ? 1 : 0;
    return count;
}

std::vector<Change> table_route_and_rule(Change::Op op) {
    return {change_of(op, table_route("0.0.0.0/0", "198.18.10.1")),
            change_of(op, from_rule("198.18.10.2/32", 1001))};
}

} // namespace

TEST_SUITE("netlink kernel") {

    TEST_CASE("socket has a port id and rising sequences") {
        run_in_namespace([](Socket& socket) {
            EXPECT(socket.fd() >= 0);
            EXPECT(socket.port() != 0);
            uint32_t first = socket.next_sequence();
            EXPECT(socket.next_sequence() == first + 1);
            return 0;
        });
    }

    TEST_CASE("dump sees loopback and veth links") {
        run_in_namespace([](Socket& socket) {
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            const Link* loopback = snapshot->find_link(if_nametoindex("lo"));
            EXPECT(loopback != nullptr);
            EXPECT(loopback->is_loopback());
            EXPECT(loopback->is_up());
            const Link* device = snapshot->find_link(device_index());
            EXPECT(device != nullptr);
            EXPECT(device->name == kDevice);
            EXPECT(device->kind == "veth");
            return 0;
        });
    }

    TEST_CASE("dump sees addresses of both families") {
        run_in_namespace([](Socket& socket) {
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            bool v4 = false;
            bool v6 = false;
            for (const Address& address : snapshot->addresses) {
                if (address.ifindex != device_index())
                    continue;
                v4 = v4 || to_string(address.prefix()) == "198.18.10.2/24";
                v6 = v6 || to_string(address.prefix()) == "fd00:10::2/64";
            }
            EXPECT(v4);
            EXPECT(v6);
            return 0;
        });
    }

    TEST_CASE("dump sees routes of every table") {
        run_in_namespace([](Socket& socket) {
            EXPECT(std::system("ip route add 198.18.20.0/24 via 198.18.10.1 table 1003") == 0);
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            EXPECT(count_routes_in(*snapshot, RT_TABLE_MAIN) > 0);
            EXPECT(count_routes_in(*snapshot, RT_TABLE_LOCAL) > 0);
            Route expected = table_route("198.18.20.0/24", "198.18.10.1");
            const Route* found = find_route(*snapshot, expected);
            EXPECT(found != nullptr);
            EXPECT(found->gateway == expected.gateway);
            EXPECT(found->protocol == RTPROT_BOOT);
            return 0;
        });
    }

    TEST_CASE("dump sees rules of both families") {
        run_in_namespace([](Socket& socket) {
            EXPECT(std::system("ip rule add from 198.18.10.2 lookup 1003 priority 1001") == 0);
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            int v4 = 0;
            int v6 = 0;
            for (const Rule& rule : snapshot->rules)
                (rule.family == AF_INET ? v4 : v6)++;
            EXPECT(v4 == 4); // local, main, default and the one added
            EXPECT(v6 == 2); // local and main
            EXPECT(find_rule(*snapshot, from_rule("198.18.10.2/32", 1001)) != nullptr);
            return 0;
        });
    }

    TEST_CASE("applied route and rule read back unchanged") {
        run_in_namespace([](Socket& socket) {
            EXPECT(apply_all(socket, table_route_and_rule(Change::Op::add)));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            Route route = table_route("0.0.0.0/0", "198.18.10.1");
            const Route* found_route = find_route(*snapshot, route);
            EXPECT(found_route != nullptr);
            EXPECT(*found_route == route);
            Rule rule = from_rule("198.18.10.2/32", 1001);
            const Rule* found_rule = find_rule(*snapshot, rule);
            EXPECT(found_rule != nullptr);
            EXPECT(*found_rule == rule);
            return 0;
        });
    }

    TEST_CASE("repeated add counts as done") {
        run_in_namespace([](Socket& socket) {
            EXPECT(apply_all(socket, table_route_and_rule(Change::Op::add)));
            EXPECT(apply_all(socket, table_route_and_rule(Change::Op::add)));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            EXPECT(count_routes_in(*snapshot, kTable) == 1);
            return 0;
        });
    }

    TEST_CASE("unreachable gateway error maps to its change") {
        run_in_namespace([](Socket& socket) {
            std::vector<Change> changes = table_route_and_rule(Change::Op::add);
            changes.insert(
                changes.begin() + 1,
                change_of(Change::Op::add, table_route("198.18.30.0/24", "198.18.99.1")));
            Result<std::vector<ChangeResult>> results = apply_changes(socket, changes);
            EXPECT(results.ok());
            EXPECT(results->size() == 3);
            EXPECT((*results)[0].error == 0);
            EXPECT((*results)[1].error != 0);
            EXPECT(!(*results)[1].extack.empty());
            EXPECT(std::get<Route>((*results)[1].change.object).dst ==
                   parse_prefix("198.18.30.0/24").value());
            EXPECT((*results)[2].error == 0);
            return 0;
        });
    }

    // Only the last request of a sendto sets NLM_F_ACK. Its failure must still be reported
    // with its own error.
    TEST_CASE("failing last change is reported") {
        run_in_namespace([](Socket& socket) {
            std::vector<Change> changes = table_route_and_rule(Change::Op::add);
            changes.push_back(
                change_of(Change::Op::add, table_route("198.18.31.0/24", "198.18.99.1")));
            Result<std::vector<ChangeResult>> results = apply_changes(socket, changes);
            EXPECT(results.ok());
            EXPECT(results->size() == 3);
            EXPECT((*results)[0].error == 0);
            EXPECT((*results)[1].error == 0);
            EXPECT((*results)[2].error != 0);
            EXPECT(!(*results)[2].extack.empty());
            return 0;
        });
    }

    // More failures than one recvmmsg call reads, in more than one sendto, each mapped to
    // its own change and none to the changes between them.
    TEST_CASE("every failure in a long batch maps to its change") {
        run_in_namespace([](Socket& socket) {
            std::vector<Change> changes;
            for (int i = 0; i < 300; ++i) {
                std::string dst =
                    "198.19." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "/32";
                const char* gateway = i % 3 == 0 ? "198.18.99.1" : "198.18.10.1";
                changes.push_back(change_of(Change::Op::add, table_route(dst.c_str(), gateway)));
            }
            Result<std::vector<ChangeResult>> results = apply_changes(socket, changes);
            EXPECT(results.ok());
            EXPECT(results->size() == 300);
            for (size_t i = 0; i < results->size(); ++i) {
                bool unreachable = i % 3 == 0;
                EXPECT(((*results)[i].error != 0) == unreachable);
            }
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            EXPECT(count_routes_in(*snapshot, kTable) == 200);
            return 0;
        });
    }

    // A request abandoned midway leaves its replies queued; discard_pending drops them, so
    // that the next request reads only its own.
    TEST_CASE("discarded replies leave the socket empty") {
        run_in_namespace([](Socket& socket) {
            alignas(nlmsghdr) char buffer[kMessageBufferSize];
            for (int i = 0; i < 3; ++i) {
                Route route = table_route("198.18.31.0/24", "198.18.99.1");
                nlmsghdr* request =
                    build_route(buffer, RTM_NEWROUTE, NLM_F_CREATE, socket.next_sequence(), route);
                EXPECT(mnl_socket_sendto(socket.get(), request, request->nlmsg_len) >= 0);
            }
            socket.discard_pending();
            char datagram[64];
            EXPECT(recv(socket.fd(), datagram, sizeof datagram, MSG_DONTWAIT) < 0);
            EXPECT(errno == EAGAIN);
            EXPECT(apply_all(socket, table_route_and_rule(Change::Op::add)));
            return 0;
        });
    }

    TEST_CASE("reply timeout is worded as such") {
        CHECK(Socket::describe_error(EAGAIN).find("no reply from the kernel within") == 0);
        CHECK(Socket::describe_error(ENOBUFS) == std::strerror(ENOBUFS));
    }

    TEST_CASE("remove deletes and repeats as done") {
        run_in_namespace([](Socket& socket) {
            EXPECT(apply_all(socket, table_route_and_rule(Change::Op::add)));
            EXPECT(apply_all(socket, table_route_and_rule(Change::Op::remove)));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            EXPECT(count_routes_in(*snapshot, kTable) == 0);
            EXPECT(find_rule(*snapshot, from_rule("198.18.10.2/32", 1001)) == nullptr);
            EXPECT(apply_all(socket, table_route_and_rule(Change::Op::remove)));
            return 0;
        });
    }

    TEST_CASE("replace changes a route's prefsrc") {
        run_in_namespace([](Socket& socket) {
            Route route = table_route("198.18.40.0/24", "198.18.10.1");
            EXPECT(apply_all(socket, {change_of(Change::Op::add, route)}));
            route.prefsrc = parse_address("198.18.10.2").value();
            EXPECT(apply_all(socket, {change_of(Change::Op::replace, route)}));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            const Route* found = find_route(*snapshot, route);
            EXPECT(found != nullptr);
            EXPECT(found->prefsrc == route.prefsrc);
            EXPECT(count_routes_in(*snapshot, kTable) == 1);
            return 0;
        });
    }

    TEST_CASE("rule replace adds no second copy") {
        run_in_namespace([](Socket& socket) {
            Rule rule = from_rule("198.18.10.2/32", 1001);
            EXPECT(apply_all(socket, {change_of(Change::Op::replace, rule)}));
            EXPECT(apply_all(socket, {change_of(Change::Op::replace, rule)}));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            int copies = 0;
            for (const Rule& found : snapshot->rules)
                copies += found == rule ? 1 : 0;
            EXPECT(copies == 1);
            return 0;
        });
    }

    TEST_CASE("empty batch returns no results") {
        run_in_namespace([](Socket& socket) {
            Result<std::vector<ChangeResult>> results = apply_changes(socket, {});
            EXPECT(results.ok());
            EXPECT(results->empty());
            return 0;
        });
    }

    TEST_CASE("IPv6 route and rule round trip") {
        run_in_namespace([](Socket& socket) {
            Route route = table_route("::/0", "fd00:10::1");
            route.prefsrc = parse_address("fd00:10::2").value();
            Rule rule = from_rule("fd00:10::2/128", 1001);
            EXPECT(apply_all(
                socket, {change_of(Change::Op::add, route), change_of(Change::Op::add, rule)}));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            const Route* found_route = find_route(*snapshot, route);
            EXPECT(found_route != nullptr);
            EXPECT(found_route->gateway == route.gateway);
            EXPECT(found_route->prefsrc == route.prefsrc);
            EXPECT(found_route->protocol == kProtocol);
            const Rule* found_rule = find_rule(*snapshot, rule);
            EXPECT(found_rule != nullptr);
            EXPECT(*found_rule == rule);
            return 0;
        });
    }

    TEST_CASE("suppress_prefixlength rule round trip") {
        run_in_namespace([](Socket& socket) {
            Rule rule = from_rule("0.0.0.0/0", 1000);
            rule.table = RT_TABLE_MAIN;
            rule.suppress_prefixlength = 0;
            EXPECT(apply_all(socket, {change_of(Change::Op::add, rule)}));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            const Rule* found = find_rule(*snapshot, rule);
            EXPECT(found != nullptr);
            EXPECT(*found == rule);
            return 0;
        });
    }

    TEST_CASE("large batch spans several sendto calls") {
        run_in_namespace([](Socket& socket) {
            std::vector<Change> changes;
            for (int i = 0; i < 600; ++i) {
                std::string dst =
                    "198.19." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "/32";
                changes.push_back(
                    change_of(Change::Op::add, table_route(dst.c_str(), "198.18.10.1")));
            }
            EXPECT(apply_all(socket, changes));
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            EXPECT(count_routes_in(*snapshot, kTable) == 600);
            return 0;
        });
    }

    TEST_CASE("dump no longer lists a deleted link") {
        run_in_namespace([](Socket& socket) {
            uint32_t peer = if_nametoindex(kPeer);
            EXPECT(peer != 0);
            EXPECT(std::system("ip link del veth-nl1") == 0);
            Result<Snapshot> snapshot = dump_snapshot(socket);
            EXPECT(snapshot.ok());
            EXPECT(snapshot->find_link(peer) == nullptr);
            EXPECT(snapshot->find_link(device_index()) == nullptr);
            return 0;
        });
    }

} // TEST_SUITE("netlink kernel")
