// Full dumps of the kernel's routing state.
#pragma once

#include "netlink/objects.hpp"
#include "netlink/result.hpp"
#include "netlink/socket.hpp"

namespace srinit {

// Dumps links, addresses (both families), routes (all tables, both families) and rules
// (both families). When the kernel flags a dump as interrupted by a concurrent change
// (NLM_F_DUMP_INTR), that kind of object is dumped again, at most 5 times in all. If all 5
// are interrupted, the call fails with EAGAIN. Snapshot::interrupted_dumps counts the
// interrupted dumps.
Result<Snapshot> dump_snapshot(Socket& socket);

} // namespace srinit
