#include "netlink/socket.hpp"

#include <cerrno>
#include <cstring>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <string>
#include <sys/socket.h>
#include <sys/time.h>

namespace srinit {

namespace {

Error socket_error(const char* call) {
    int code = errno;
    return Error{code, std::string(call) + ": " + std::strerror(code)};
}

// Kernels older than the option (NETLINK_EXT_ACK 4.12, NETLINK_GET_STRICT_CHK 4.20) return
// ENOPROTOOPT, and srinit then works without extended acks or strict dump filtering.
bool enable_option(mnl_socket* socket, int option) {
    int on = 1;
    if (mnl_socket_setsockopt(socket, option, &on, sizeof(on)) == 0)
        return true;
    return errno == ENOPROTOOPT;
}

} // namespace

void Socket::Closer::operator()(mnl_socket* socket) const {
    mnl_socket_close(socket);
}

Result<Socket> Socket::open(uint32_t groups) {
    Socket socket;
    // Close-on-exec, so that the child does not inherit srinit's netlink sockets.
    socket.m_socket.reset(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
    if (!socket.m_socket)
        return socket_error("mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC)");

    if (!enable_option(socket.get(), NETLINK_EXT_ACK))
        return socket_error("setsockopt(NETLINK_EXT_ACK)");
    if (!enable_option(socket.get(), NETLINK_GET_STRICT_CHK))
        return socket_error("setsockopt(NETLINK_GET_STRICT_CHK)");
    // An error acknowledgement then carries only the header of the failed request, not the
    // whole request, so a batch of acknowledgements takes less of the receive buffer.
    if (!enable_option(socket.get(), NETLINK_CAP_ACK))
        return socket_error("setsockopt(NETLINK_CAP_ACK)");

    if (groups == 0) {
        timeval timeout{kReplyTimeout.count(), 0};
        if (setsockopt(socket.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) < 0)
            return socket_error("setsockopt(SO_RCVTIMEO)");
    }
    if (mnl_socket_bind(socket.get(), groups, MNL_SOCKET_AUTOPID) < 0)
        return socket_error("mnl_socket_bind(NETLINK_ROUTE)");
    return socket;
}

void Socket::discard_pending() {
    char datagram[256];
    for (;;) {
        // A datagram longer than the buffer is dropped whole; only its start is read.
        ssize_t length = ::recv(fd(), datagram, sizeof datagram, MSG_DONTWAIT | MSG_TRUNC);
        if (length >= 0 || errno == EINTR || errno == ENOBUFS)
            continue;
        return; // EAGAIN when the queue is empty; any other error ends the loop too
    }
}

std::string Socket::describe_error(int code) {
    if (code == EAGAIN)
        return "no reply from the kernel within " + std::to_string(kReplyTimeout.count()) + " s";
    return std::strerror(code);
}

int Socket::fd() const {
    return mnl_socket_get_fd(m_socket.get());
}

uint32_t Socket::port() const {
    return mnl_socket_get_portid(m_socket.get());
}

uint32_t Socket::next_sequence() {
    // Sequence 0 is skipped because libmnl and iproute2 treat it as "any sequence".
    if (++m_sequence == 0)
        ++m_sequence;
    return m_sequence;
}

} // namespace srinit
