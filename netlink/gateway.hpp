// Gateway discovery: which default route an interface's table gets. Pure functions, no system
// calls.
#pragma once

#include "netlink/objects.hpp"
#include "netlink/plan.hpp"

#include <optional>
#include <vector>

namespace srinit {

// The default route chosen for one interface and family, and where it came from.
struct Gateway {
    GatewaySource source = GatewaySource::none;
    IpAddress address;               // unset for device_only and none
    std::optional<Route> main_route; // the main-table default it came from, for main_route
                                     // and device_only
};

// Finds the gateway of `link` for `family`. The sources, in order:
// - a --gateway option naming the interface;
// - a --gateway option whose subnet contains one of `addresses`;
// - the main-table default with a gateway through this interface (lowest metric first);
// - the main-table device-only default through it;
// - when options.guess is set, the first host of the prefix of one of `addresses` (never
//   for /31, /32, /127, /128, nor the address itself).
// `addresses` are the interface's managed addresses of `family`.
Gateway find_gateway(const Snapshot& snapshot, const Link& link, uint8_t family,
                     const std::vector<Address>& addresses, const PlanOptions& options);

} // namespace srinit
