// One routing manager per network namespace. An abstract unix socket name is scoped to the
// network namespace it was bound in, so binding it is the lock, and the kernel frees it when
// the holder exits, however it exits.
#pragma once

#include "shim/fd.hpp"
#include "shim/loop.hpp"

#include <functional>
#include <string>

namespace srinit {

// The abstract name srinit binds, without its leading NUL byte.
constexpr const char* kNetnsLockName = "srinit-routing";

class NetnsLock {
  public:
    using Callback = std::function<void()>;

    // `name` is the abstract socket name without its leading NUL byte.
    explicit NetnsLock(std::string name = kNetnsLockName);
    NetnsLock(const NetnsLock&) = delete;
    NetnsLock& operator=(const NetnsLock&) = delete;

    // Tries to bind the name and returns whether this process holds the lock now. When
    // another process holds it, this connects to the holder's listening socket, whose hang-up
    // tells when the holder is gone. Fails open: when the socket cannot be created at all, the
    // error is logged and the lock counts as held, so routing is never left unmanaged because
    // of the lock itself.
    bool try_acquire();

    bool held() const { return m_held; }

    // Gives the lock up: closes the listening socket, so that a waiting srinit takes over.
    void release() {
        m_socket = Fd();
        m_held = false;
    }

    // While the lock is held by another process: watches the connection to the holder in
    // `loop` and, when it hangs up, tries again. `on_acquired` runs once, from the loop,
    // when this process takes the lock over.
    void wait(EventLoop& loop, Callback on_acquired);

  private:
    bool bind_name();
    bool connect_holder();
    void on_hang_up();

    std::string m_name;
    Fd m_socket; // the listening socket while held, the connection to the holder while not
    bool m_held = false;
    EventLoop* m_loop = nullptr;
    Callback m_on_acquired;
};

} // namespace srinit
