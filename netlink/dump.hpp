// Full dumps of the kernel's routing state.
#pragma once

#include "netlink/objects.hpp"
#include "netlink/result.hpp"
#include "netlink/socket.hpp"

namespace srinit {

// Dumps links, addresses (both families), routes (all tables, both families) and rules
// (both families). A dump interrupted by a concurrent change (NLM_F_DUMP_INTR) is retried
// a few times before it fails.
Result<Snapshot> dump_snapshot(Socket& socket);

} // namespace srinit
