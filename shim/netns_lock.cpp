#include "shim/netns_lock.hpp"

#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <ctime>

namespace srinit {

namespace {

// Between a holder's bind() and its listen(), and between a holder's exit and the next
// bind(), connect() and bind() both fail for a moment. That window is a few system calls
// long, so a short series of retries normally outlasts it.
constexpr int kAttempts = 100;
constexpr long kRetryNanoseconds = 1000000;

socklen_t abstract_address(const std::string& name, sockaddr_un& address) {
    address = {};
    address.sun_family = AF_UNIX;
    // sun_path[0] stays NUL: the name lives in the abstract namespace, not the file system.
    size_t length = std::min(name.size(), sizeof(address.sun_path) - 1);
    std::memcpy(address.sun_path + 1, name.data(), length);
    return socklen_t(offsetof(sockaddr_un, sun_path) + 1 + length);
}

Fd open_socket() {
    return Fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
}

void pause_briefly() {
    timespec delay = {0, kRetryNanoseconds};
    nanosleep(&delay, nullptr);
}

} // namespace

NetnsLock::NetnsLock(std::string name) : m_name(std::move(name)) {}

bool NetnsLock::try_acquire() {
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        if (bind_name())
            return true;
        if (connect_holder())
            return false;
        pause_briefly();
    }
    spdlog::warn("connect('@{}') to the srinit holding the routing lock failed {} times; "
                 "routing stays with it, and this srinit will not take over when it exits",
                 m_name, kAttempts);
    return false;
}

// Returns true when the lock is held afterwards, also when it fails open.
bool NetnsLock::bind_name() {
    Fd socket = open_socket();
    if (!socket) {
        spdlog::error("socket(AF_UNIX) for the routing lock failed: {}; managing routing "
                      "without checking for another srinit in this network namespace",
                      std::strerror(errno));
        m_held = true;
        return true;
    }

    sockaddr_un address;
    socklen_t length = abstract_address(m_name, address);
    if (bind(socket.get(), reinterpret_cast<sockaddr*>(&address), length) < 0) {
        if (errno == EADDRINUSE)
            return false;
        spdlog::error("bind('@{}') for the routing lock failed: {}; managing routing without "
                      "checking for another srinit in this network namespace",
                      m_name, std::strerror(errno));
        m_held = true;
        return true;
    }
    // Waiting instances connect and are never accepted. When this process exits, the kernel
    // resets their pending connections, which is the hang-up they wait for.
    if (listen(socket.get(), SOMAXCONN) < 0)
        spdlog::warn("listen('@{}') for the routing lock failed: {}; another srinit in this "
                     "network namespace will not take over routing after this one exits",
                     m_name, std::strerror(errno));

    m_socket = std::move(socket);
    m_held = true;
    return true;
}

// Returns true when connected to the holder; false when it is gone or not listening yet.
bool NetnsLock::connect_holder() {
    Fd socket = open_socket();
    if (!socket)
        return false;
    sockaddr_un address;
    socklen_t length = abstract_address(m_name, address);
    if (connect(socket.get(), reinterpret_cast<sockaddr*>(&address), length) < 0 &&
        errno != EINPROGRESS)
        return false;
    m_socket = std::move(socket);
    m_held = false;
    return true;
}

void NetnsLock::wait(EventLoop& loop, Callback on_acquired) {
    m_loop = &loop;
    m_on_acquired = std::move(on_acquired);
    if (!m_held && m_socket)
        loop.watch(m_socket.get(), [this] { on_hang_up(); });
}

void NetnsLock::on_hang_up() {
    // The holder never writes, so readable means end of file or a reset connection.
    char byte;
    ssize_t received = recv(m_socket.get(), &byte, 1, MSG_DONTWAIT);
    if (received > 0 || (received < 0 && (errno == EAGAIN || errno == EINTR)))
        return;

    m_loop->unwatch(m_socket.get());
    m_socket.reset();
    if (!try_acquire()) {
        if (m_socket)
            m_loop->watch(m_socket.get(), [this] { on_hang_up(); });
        return;
    }
    spdlog::info("the srinit that managed routing in this network namespace is gone; this "
                 "srinit takes routing over");
    m_on_acquired();
}

} // namespace srinit
