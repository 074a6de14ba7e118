#include "shim/child.hpp"

#include "shim/capabilities.hpp"
#include "shim/exec.hpp"
#include "shim/exit_status.hpp"
#include "shim/fd.hpp"
#include "shim/terminal.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
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

// Runs in the child between fork and exec: async-signal-safe calls only, no allocation,
// no logging, no exceptions.
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

    // Plain fork, no pidfd: the child's pid cannot be reused before srinit reaps it, so
    // kill(pid) cannot reach another process while the child is running.
    pid_t srinit_group = ::getpgrp();
    pid_t pid = ::fork();
    if (pid < 0) {
        spdlog::error("fork failed: {}; the child was not started", std::strerror(errno));
        return {-1, exit_code::failure};
    }
    if (pid == 0) {
        run_child(plan, signals, net_admin, srinit_group, write_end.get());
    }

    // Also done by the child: whichever runs first, the group exists before srinit signals
    // it. EACCES (the child has exec'd already) and ESRCH (it has exited) are harmless.
    ::setpgid(pid, pid);
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
