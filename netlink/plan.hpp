// The routing plan: from a snapshot of the kernel's state and the options, the rules and
// routes srinit wants, per address family. Pure functions, no system calls.
#pragma once

#include "netlink/objects.hpp"

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace srinit {

// One --gateway value: "eth1=198.18.1.254" (by interface name) or
// "198.18.1.0/24=198.18.1.254" (by subnet, stable across runs).
struct GatewayOption {
    std::string interface;        // set for the by-name form
    std::optional<Prefix> subnet; // set for the by-subnet form
    IpAddress gateway;
};

struct PlanOptions {
    uint32_t table_base = 1000;    // table of an interface = table_base + ifindex
    uint32_t rule_priority = 1000; // B: main-first rule at B, `from` rules at B+1
    std::vector<GatewayOption> gateways;
    std::vector<std::string> exclude; // interface names or fnmatch(3) globs
    bool guess = true;                // fall back to the first host of the prefix
    bool ipv4_link_local = false;     // manage 169.254.0.0/16 addresses too
    // Guessed gateways, as (ifindex, gateway), that sent no reply to neighbour resolution:
    // not guessed again. Filled at run time from the guess check, not from an option.
    std::set<std::pair<uint32_t, IpAddress>> silent_guesses;
};

// The source of an interface's gateway, in the order of discovery.
enum class GatewaySource {
    option_interface, // --gateway NAME=ADDRESS
    option_subnet,    // --gateway SUBNET=ADDRESS
    main_route,       // a main-table default route through this interface
    device_only,      // a main-table default without gateway through this interface, copied
    first_host,       // guessed: the first host of the connected prefix
    none,             // no default route in the table
};

const char* to_string(GatewaySource source);

// The plan's decision for one interface and family, for the log.
struct InterfacePlan {
    uint32_t ifindex = 0;
    std::string name;
    uint8_t family = 0;
    uint32_t table = 0;
    std::vector<IpAddress> addresses;
    IpAddress gateway; // unset for device_only and none
    GatewaySource gateway_source = GatewaySource::none;
};

// An interface (or one family of it) left alone, with the reason, for the debug log.
struct Skip {
    std::string name;
    uint8_t family = 0; // 0 when the whole interface is skipped
    std::string reason; // "loopback", "down", "excluded by 'veth*'", "link-local only"
};

struct Plan {
    std::vector<Rule> rules;   // every rule srinit wants, protocol kProtocol
    std::vector<Route> routes; // every route srinit wants, protocol kProtocol
    std::vector<InterfacePlan> interfaces;
    std::vector<Skip> skips;
    std::vector<std::string> errors;   // table conflicts: the interface was skipped
    std::vector<std::string> warnings; // interfaces without a gateway, and similar
};

// Computes the rules and routes wanted for `snapshot` under `options`.
Plan make_plan(const Snapshot& snapshot, const PlanOptions& options);

} // namespace srinit
