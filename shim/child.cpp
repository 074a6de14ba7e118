#include "shim/child.hpp"

#include "shim/capabilities.hpp"
#include "shim/exec.hpp"
#include "shim/exit_status.hpp"
#include "shim/fd.hpp"
#include "shim/terminal.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace srinit {

namespace {

// A record the child writes to its close-on-exec pipe. A successful exec closes the pipe
// without an `exec` record, so the parent reads end of file.
struct ChildReport {
    enum Step { terminal, exec } step;
    int error;
    ExecFailure failure;
};

void write_report(int fd, const ChildReport& report) {
    // One write of fewer than PIPE_BUF bytes is atomic, so the parent reads whole reports.
    while (::write(fd, &report, sizeof report) < 0 && errno == EINTR) {
    }
}

// Runs in the child between clone and exec, in srinit's memory: async-signal-safe calls
// only, no allocation, no logging, no exceptions.
[[noreturn]] void run_child(ExecPlan& plan, const SignalState& signals, NetAdmin net_admin,
                            pid_t srinit_group, int report_fd) {
    ::setpgid(0, 0);
    if (int error = take_terminal_foreground(srinit_group)) {
        write_report(report_fd, {ChildReport::terminal, error, {}});
    }
    if (net_admin == NetAdmin::drop) {
        drop_net_admin();
    }
    signals.restore();

    ExecFailure failure = plan.exec();
    write_report(report_fd, {ChildReport::exec, failure.error, failure});
    ::_exit(ExecPlan::exit_code(failure));
}

// Arguments that start_child passes on to run_child.
struct ChildStart {
    ExecPlan& plan;
    const SignalState& signals;
    NetAdmin net_admin;
    pid_t srinit_group;
    int report_fd;
};

// The child's stack while it shares srinit's memory. run_child needs a few KiB; the pages it
// does not touch cost nothing. It has no guard page, so deeper calls in run_child would
// overwrite srinit's other globals instead of faulting.
alignas(16) char child_stack[64 * 1024];

int start_child(void* argument) {
    auto* start = static_cast<ChildStart*>(argument);
    run_child(start->plan, start->signals, start->net_admin, start->srinit_group,
              start->report_fd);
}

// Reads the child's reports until the pipe closes. Returns the exit status when exec failed.
std::optional<int> read_reports(const Fd& pipe, const ExecPlan& plan) {
    ChildReport report{};
    for (;;) {
        ssize_t count = ::read(pipe.get(), &report, sizeof report);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count != static_cast<ssize_t>(sizeof report)) {
            return std::nullopt; // end of file: exec succeeded
        }
        if (report.step == ChildReport::terminal) {
            spdlog::warn("tcsetpgrp failed: {}; the child is not in the terminal's foreground",
                         std::strerror(report.error));
            continue;
        }
        spdlog::error("{}", plan.describe(report.failure));
        return ExecPlan::exit_code(report.failure);
    }
}

} // namespace

SpawnResult spawn_child(const std::vector<std::string>& command, const SignalState& signals,
                        NetAdmin net_admin) {
    if (command.empty()) {
        spdlog::error("no command given; put it after \"--\"");
        return {-1, exit_code::usage};
    }
    ExecPlan plan(command);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) {
        spdlog::error("pipe2 failed: {}; the child was not started", std::strerror(errno));
        return {-1, exit_code::failure};
    }
    Fd read_end(fds[0]);
    Fd write_end(fds[1]);

    // The child shares srinit's memory until it execs, and srinit waits meanwhile
    // (CLONE_VFORK), as posix_spawn(3) does. No page tables are copied for the child and none
    // are torn down when it execs, which took about 0.12 ms off each start (bench/README.md).
    // Sharing is safe while three things hold: run_child allocates nothing and takes no lock,
    // srinit has one thread, and srinit installs no signal handler (only SIG_DFL and SIG_IGN),
    // so nothing runs on srinit's memory behind the child's back. The child's failing calls
    // do set srinit's errno, which srinit does not read after a successful clone.
    // No pidfd: the child's pid cannot be reused before srinit reaps it, so kill(pid) cannot
    // reach another process while the child is running.
    pid_t srinit_group = ::getpgrp();
    ChildStart start{plan, signals, net_admin, srinit_group, write_end.get()};
    pid_t pid = ::clone(start_child, child_stack + sizeof child_stack,
                        CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
    if (pid < 0) {
        spdlog::error("clone failed: {}; the child was not started", std::strerror(errno));
        return {-1, exit_code::failure};
    }

    // The child has moved into its own process group before srinit resumes here.
    write_end.reset();
    if (auto status = read_reports(read_end, plan)) {
        int wait_status = 0;
        while (::waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
        }
        return {-1, *status};
    }
    return {pid, 0};
}

} // namespace srinit
