// Reaping: every process that exits in the container is waited for, and the child's status
// becomes srinit's exit status, after an optional grace period for the others.
#pragma once

#include "shim/fd.hpp"
#include "shim/loop.hpp"

#include <chrono>
#include <map>
#include <sys/types.h>

namespace srinit {

class Reaper {
  public:
    // `remap` is --remap-exit. `grace` is --grace: once the child has exited, the other
    // processes get SIGTERM and this long before SIGKILL. With 0, srinit exits at once.
    Reaper(EventLoop& loop, pid_t child, const std::map<int, int>& remap,
           std::chrono::milliseconds grace);

    // Waits for every exited process without blocking (on SIGCHLD). When the child is among
    // them, logs how it ended and stops the loop with its exit status, at once or after the
    // grace period.
    void reap();

    bool child_running() const { return m_child_running; }

    // The child's wait status once it has exited, as waitpid(2) reported it.
    int child_wait_status() const { return m_child_wait_status; }

  private:
    // Returns true when srinit has no children left (ECHILD).
    bool wait_for_exited();
    void on_child_exit(int wait_status);
    void start_grace();
    void end_grace();

    EventLoop& m_loop;
    pid_t m_child;
    const std::map<int, int>& m_remap;
    std::chrono::milliseconds m_grace;
    bool m_child_running = true;
    bool m_in_grace = false;
    int m_exit_status = 0;
    int m_child_wait_status = 0;
    Fd m_timer;
};

// Sends `signo` to every process srinit can outlive: all others in its PID namespace
// (kill(-1)) when it is PID 1, else its descendants and the child's process group.
void signal_remaining(int signo, pid_t child);

} // namespace srinit
