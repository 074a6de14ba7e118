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
// "ip -4 rule add priority 1001 from 198.18.1.2 lookup 1003 proto 83".
std::string to_ip_command(const Change& change);

} // namespace srinit
