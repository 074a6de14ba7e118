#include "shim/reaper.hpp"

#include "shim/exit_status.hpp"

#include <spdlog/spdlog.h>

#include <dirent.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace srinit {

namespace {

// Returns the parent pid from /proc/PID/stat, or 0 when the process is gone. The field
// comes after the command name in parentheses, which may itself contain ") ".
pid_t read_parent_pid(const char* pid) {
    std::ifstream stat(std::string("/proc/") + pid + "/stat");
    std::string line;
    if (!std::getline(stat, line)) {
        return 0;
    }
    size_t close = line.rfind(')');
    if (close == std::string::npos || close + 4 >= line.size()) {
        return 0;
    }
    return static_cast<pid_t>(std::strtol(line.c_str() + close + 4, nullptr, 10)); // ") S ppid"
}

std::map<pid_t, pid_t> read_parent_pids() {
    std::map<pid_t, pid_t> parents;
    DIR* proc = ::opendir("/proc");
    if (proc == nullptr) {
        spdlog::warn("opendir /proc failed: {}; only the child's process group is signalled",
                     std::strerror(errno));
        return parents;
    }
    while (dirent* entry = ::readdir(proc)) {
        pid_t pid = static_cast<pid_t>(std::strtol(entry->d_name, nullptr, 10));
        if (pid > 0) {
            parents[pid] = read_parent_pid(entry->d_name);
        }
    }
    ::closedir(proc);
    return parents;
}

std::vector<pid_t> list_descendants(pid_t root) {
    std::map<pid_t, pid_t> parents = read_parent_pids();
    std::vector<pid_t> descendants{root};
    // Each pass adds the children of what was found so far; the list only grows.
    for (size_t i = 0; i < descendants.size(); ++i) {
        for (const auto& [pid, parent] : parents) {
            if (parent == descendants[i]) {
                descendants.push_back(pid);
            }
        }
    }
    descendants.erase(descendants.begin());
    return descendants;
}

} // namespace

void signal_remaining(int signo, pid_t child) {
    std::string name = signal_name(signo);
    if (::getpid() == 1) {
        // kill(-1) from PID 1 reaches every other process in its PID namespace.
        if (::kill(-1, signo) < 0 && errno != ESRCH) {
            spdlog::warn("kill(-1, {}) failed: {}", name, std::strerror(errno));
        }
        spdlog::debug("sent {} to every remaining process", name);
        return;
    }
    ::kill(-child, signo); // ESRCH: the group is empty already
    for (pid_t pid : list_descendants(::getpid())) {
        ::kill(pid, signo);
    }
    spdlog::debug("sent {} to the remaining descendants", name);
}

Reaper::Reaper(EventLoop& loop, pid_t child, const std::map<int, int>& remap,
               std::chrono::milliseconds grace)
    : m_loop(loop), m_child(child), m_remap(remap), m_grace(grace) {}

void Reaper::reap() {
    bool no_children = wait_for_exited();
    if (m_in_grace && no_children) {
        spdlog::debug("every remaining process has exited");
        m_loop.stop(m_exit_status);
    }
}

bool Reaper::wait_for_exited() {
    for (;;) {
        int wait_status = 0;
        pid_t pid = ::waitpid(-1, &wait_status, WNOHANG);
        if (pid < 0 && errno == EINTR) {
            continue;
        }
        if (pid <= 0) {
            return pid < 0 && errno == ECHILD;
        }
        spdlog::debug("reaped pid {}, which {}", pid, describe_wait_status(wait_status));
        if (pid == m_child) {
            on_child_exit(wait_status);
        }
    }
}

void Reaper::on_child_exit(int wait_status) {
    m_child_running = false;
    m_child_wait_status = wait_status;
    m_exit_status = exit_status_for_child(wait_status, m_remap);
    if (WIFSIGNALED(wait_status)) {
        spdlog::info("child {} {}", m_child, describe_wait_status(wait_status));
    }
    if (m_grace.count() <= 0) {
        m_loop.stop(m_exit_status);
        return;
    }
    start_grace();
}

void Reaper::start_grace() {
    m_in_grace = true;
    signal_remaining(SIGTERM, m_child);

    m_timer = Fd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    itimerspec timeout{};
    timeout.it_value.tv_sec = m_grace.count() / 1000;
    timeout.it_value.tv_nsec = (m_grace.count() % 1000) * 1000000;
    if (!m_timer || ::timerfd_settime(m_timer.get(), 0, &timeout, nullptr) < 0) {
        spdlog::warn("timerfd failed: {}; the remaining processes get no grace period",
                     std::strerror(errno));
        end_grace();
        return;
    }
    m_loop.watch(m_timer.get(), [this] { end_grace(); });
}

void Reaper::end_grace() {
    spdlog::debug("grace period of {} ms is over", m_grace.count());
    signal_remaining(SIGKILL, m_child);
    wait_for_exited();
    if (m_timer) {
        m_loop.unwatch(m_timer.get());
    }
    m_loop.stop(m_exit_status);
}

} // namespace srinit
