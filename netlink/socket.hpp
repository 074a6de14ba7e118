// An rtnetlink socket over libmnl, owned: closed when the Socket is destroyed.
#pragma once

#include "netlink/result.hpp"

#include <cstdint>
#include <memory>

struct mnl_socket;

namespace srinit {

class Socket {
  public:
    // Opens a close-on-exec NETLINK_ROUTE socket bound to `groups` (RTMGRP_* bits; 0 for requests)
    // and enables extended acknowledgements (NETLINK_EXT_ACK) and strict checking where the
    // kernel has them.
    static Result<Socket> open(uint32_t groups = 0);

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
