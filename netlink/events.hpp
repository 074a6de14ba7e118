// The event socket: a second NETLINK_ROUTE socket, separate from the request socket, that
// receives the kernel's link, address, route and rule notifications for both families.
#pragma once

#include "netlink/result.hpp"
#include "netlink/socket.hpp"

#include <cstddef>
#include <cstdint>
#include <linux/netlink.h>
#include <string>
#include <vector>

namespace srinit {

// Default receive buffer size. A Docker attach or detach sends a few dozen notifications.
// 4 MiB fits bursts of several thousand, estimating about 1 KiB of skb truesize per queued
// notification, and the kernel charges only what is queued.
constexpr int kEventBufferSize = 4 << 20;

// The counts of one call to EventSocket::read_pending().
struct EventRead {
    size_t messages = 0;        // notifications read
    size_t relevant = 0;        // those that can change the plan (see is_relevant_event)
    size_t overflows = 0;       // recv failures with ENOBUFS: notifications were lost
    bool more = false;          // stopped at the per-call limit with datagrams still queued
    std::string first_relevant; // describe_event() of the first relevant one, for the debug log
};

// Tells whether a notification can change what srinit plans. Link, rule and address
// changes count, except host-scope (loopback) addresses, IPv6 link-local addresses and
// bridge port (AF_BRIDGE) link messages. Route changes count, except those in the local
// table (the kernel's own entries for local and broadcast addresses, which always come with
// an address change) and cloned (cached) routes. A new route or rule with protocol kProtocol
// is srinit's own and does not count. A deleted one does, so that an object removed by
// someone else is put back. After srinit's own deletions the resync finds nothing to change,
// so the loop settles. Every other message type, and a message too short for its header, is
// noise.
bool is_relevant_event(const nlmsghdr* message);

// Formats a notification for the debug log, such as "RTM_NEWADDR ifindex 5 198.18.1.2/24"
// or "RTM_DELRULE".
std::string describe_event(const nlmsghdr* message);

class EventSocket {
  public:
    // Opens a close-on-exec NETLINK_ROUTE socket subscribed to link, IPv4 and IPv6 address,
    // route and rule notifications, and sets its receive buffer to `receive_buffer` bytes:
    // SO_RCVBUFFORCE when the process has CAP_NET_ADMIN, else SO_RCVBUF, which
    // net.core.rmem_max caps.
    static Result<EventSocket> open(int receive_buffer = kEventBufferSize);

    // File descriptor to wait on for readability.
    int fd() const { return m_socket.fd(); }

    // Receive buffer size the kernel reports (SO_RCVBUF), which is twice the size set.
    int receive_buffer() const;

    // Reads the queued notifications without blocking, at most `max_datagrams` datagrams so
    // that a flood cannot starve the other file descriptors of the loop. ENOBUFS is counted
    // in `overflows` and reading goes on. Fails only on another recv error.
    Result<EventRead> read_pending(size_t max_datagrams = 256);

  private:
    explicit EventSocket(Socket socket);

    Socket m_socket;
    std::vector<char> m_buffer;
};

} // namespace srinit
