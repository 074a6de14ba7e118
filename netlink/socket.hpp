// An rtnetlink socket over libmnl, owned: closed when the Socket is destroyed.
#pragma once

#include "netlink/result.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

struct mnl_socket;

namespace srinit {

// Receive timeout (SO_RCVTIMEO) of a request socket. The kernel replies in microseconds, and
// the timeout turns a lost reply into an error instead of blocking PID 1, with the child's
// start and every signal behind it.
constexpr std::chrono::seconds kReplyTimeout{10};

class Socket {
  public:
    // Opens a close-on-exec NETLINK_ROUTE socket bound to `groups` (RTMGRP_* bits; 0 for requests)
    // and enables extended acknowledgements (NETLINK_EXT_ACK) and strict checking where the
    // kernel has them. A request socket (groups 0) waits at most kReplyTimeout for a reply,
    // then its read fails with EAGAIN, which describe_error() words as a timeout.
    static Result<Socket> open(uint32_t groups = 0);

    // Reads and drops every datagram queued on the socket. Called after a request failed
    // midway: its unread replies would otherwise be taken for the next request's, and a full
    // receive queue makes the kernel drop the next replies without telling.
    void discard_pending();

    // Returns strerror(code), or the timeout for EAGAIN on a request socket.
    static std::string describe_error(int code);

    int fd() const;
    uint32_t port() const;        // mnl_socket_get_portid
    uint32_t next_sequence();     // increasing sequence numbers for requests
    mnl_socket* get() const { return m_socket.get(); }

  private:
    struct Closer {
        void operator()(mnl_socket* socket) const;
    };
    std::unique_ptr<mnl_socket, Closer> m_socket;
    uint32_t m_sequence = 0;
};

} // namespace srinit
