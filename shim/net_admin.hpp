// Whether this process may change routing: CAP_NET_ADMIN in its effective set.
#pragma once

#include "netlink/result.hpp"

namespace srinit {

// Reads the effective capability set with capget(2). Fails only when capget itself fails.
Result<bool> has_net_admin();

} // namespace srinit
