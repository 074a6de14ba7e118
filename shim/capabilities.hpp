// Keeping CAP_NET_ADMIN from the child: srinit needs it for routing, the application
// should not inherit it unless the user asks (--keep-net-admin).
#pragma once

namespace srinit {

// Logs one warning when CAP_NET_ADMIN is in srinit's bounding set but srinit lacks
// CAP_SETPCAP, because then it cannot be dropped from the child's bounding set and a child
// running as root gets it back at exec. Call in srinit before spawning the child.
void warn_if_net_admin_stays();

// Drops CAP_NET_ADMIN from the calling process's bounding, inheritable and ambient sets.
// Async-signal-safe (raw prctl and capget/capset): for the child between fork and exec.
// Best effort: a step the kernel rejects is skipped, because warn_if_net_admin_stays()
// already warned about it.
void drop_net_admin();

} // namespace srinit
