// Sending changes to the kernel in batches, with a reply for each change that fails.
#pragma once

#include "netlink/reconcile.hpp"
#include "netlink/result.hpp"
#include "netlink/socket.hpp"

#include <string>
#include <vector>

namespace srinit {

struct ChangeResult {
    Change change;
    int error = 0;      // 0 on success, else the errno the kernel acknowledged with
    std::string extack; // the kernel's extended ack text, "" when none
};

// Sends every change in as few sendto calls as fit, with NLM_F_ACK on the last message of
// each, and matches each error reply to its change by sequence number. EEXIST on an add and
// ENOENT/ESRCH on a remove count as done (error 0). Returns one result per change, in
// order, or an Error when the socket itself failed.
Result<std::vector<ChangeResult>> apply_changes(Socket& socket, const std::vector<Change>& changes);

} // namespace srinit
