// Reconciliation: the changes that turn the objects srinit owns into the plan.
#pragma once

#include "netlink/objects.hpp"
#include "netlink/plan.hpp"

#include <string>
#include <variant>
#include <vector>

namespace srinit {

struct Change {
    enum class Op { add, remove, replace };
    Op op = Op::add;
    std::variant<Rule, Route> object;
};

// Diffs `plan` against the objects in `current` that carry kProtocol. Objects of other owners
// are never removed. Order: stale rules removed, stale routes removed, routes added or
// replaced, then rules added, so no rule ever points at a table that is still empty.
// An empty result means the kernel already matches the plan.
std::vector<Change> reconcile(const Plan& plan, const Snapshot& current);

// Formats a change as the equivalent ip(8) command, such as
// "ip -4 rule add priority 1001 from 198.18.1.2 lookup 1003 proto 83" or
// "ip -6 route add default via fd00:1::1 dev if3 table 1003 proto 83 metric 1024".
// The output interface is printed as "if<ifindex>", which ip(8) resolves itself.
// reconcile() never replaces a rule, since ip(8) has no "rule replace".
// `ip -batch` takes no options per line, so each batch is one family: strip "ip -4 " (or
// "ip -6 ") from the lines of that family and feed them to `ip -4 -batch -` (`ip -6 -batch -`).
std::string to_ip_command(const Change& change);

// The same, naming the output interface by its name in `snapshot` ("dev eth1"); an ifindex
// that `snapshot` does not hold is printed as "if<ifindex>".
std::string to_ip_command(const Change& change, const Snapshot& snapshot);

} // namespace srinit
