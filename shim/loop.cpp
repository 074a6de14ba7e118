#include "shim/loop.hpp"

#include <spdlog/spdlog.h>

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>

namespace srinit {

EventLoop::EventLoop() : m_epoll(::epoll_create1(EPOLL_CLOEXEC)) {
    if (m_epoll < 0) {
        spdlog::error("epoll_create1 failed: {}; srinit cannot run its main loop", std::strerror(errno));
    }
}

EventLoop::~EventLoop() {
    if (m_epoll >= 0) {
        ::close(m_epoll);
    }
}

void EventLoop::watch(int fd, Callback on_readable) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = fd;
    int operation = m_callbacks.count(fd) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(m_epoll, operation, fd, &event) < 0) {
        spdlog::error("epoll_ctl failed to watch fd {}: {}", fd, std::strerror(errno));
        return;
    }
    m_callbacks[fd] = std::move(on_readable);
}

void EventLoop::unwatch(int fd) {
    if (m_callbacks.erase(fd) == 0) {
        return;
    }
    // ENOENT or EBADF here means the descriptor was closed first, which removed it already.
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
}

int EventLoop::run() {
    constexpr int max_events = 16;
    epoll_event events[max_events];
    if (m_epoll < 0) {
        return 1; // the constructor logged why
    }
    while (!m_stopped) {
        int count = ::epoll_wait(m_epoll, events, max_events, -1);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count < 0) {
            spdlog::error("epoll_wait failed: {}; srinit stops", std::strerror(errno));
            return 1;
        }
        for (int i = 0; i < count && !m_stopped; ++i) {
            // An earlier callback in this batch may have unwatched the descriptor.
            auto found = m_callbacks.find(events[i].data.fd);
            if (found != m_callbacks.end()) {
                run_callback(found->first, found->second);
            }
        }
    }
    return m_status;
}

void EventLoop::run_callback(int fd, Callback callback) {
    // An exception must not end PID 1, which would take the whole container down with it.
    try {
        callback();
    } catch (const std::exception& error) {
        spdlog::error("handling file descriptor {} failed: {}; srinit goes on", fd, error.what());
    }
}

void EventLoop::stop(int status) {
    m_stopped = true;
    m_status = status;
}

} // namespace srinit
