// The main loop: epoll over file descriptors, each with a callback run when it is readable.
// The signalfd is one of them; the netlink event socket and its debounce timer join later.
#pragma once

#include <functional>
#include <map>

namespace srinit {

class EventLoop {
  public:
    using Callback = std::function<void()>;

    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Calls `on_readable` whenever `fd` is readable (or hung up) until unwatch(fd).
    void watch(int fd, Callback on_readable);
    void unwatch(int fd);

    // Runs until stop() is called from a callback; returns the status given to stop().
    // epoll_wait failing with EINTR is retried. A std::exception from a callback is logged
    // and the loop goes on.
    int run();
    void stop(int status);

  private:
    // Copies the callback, because the callback may unwatch its own descriptor and so
    // destroy the stored copy while it runs.
    void run_callback(int fd, Callback callback);

    int m_epoll = -1;
    std::map<int, Callback> m_callbacks;
    bool m_stopped = false;
    int m_status = 0;
};

} // namespace srinit
