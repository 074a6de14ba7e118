// srinit: a container init that installs source-based routing, then runs the application as
// its child, forwards signals to it, reaps every process and exits with the child's status.

#include "shim/capabilities.hpp"
#include "shim/child.hpp"
#include "shim/exec.hpp"
#include "shim/exit_status.hpp"
#include "shim/log.hpp"
#include "shim/loop.hpp"
#include "shim/option_values.hpp"
#include "shim/options.hpp"
#include "shim/reaper.hpp"
#include "shim/routing.hpp"
#include "shim/signals.hpp"

#include <spdlog/spdlog.h>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace srinit;

void print_parse_result(const ParseResult& parsed) {
    std::fputs(parsed.output.c_str(), stdout);
    if (!parsed.error.empty()) {
        std::fprintf(stderr, "srinit: error: %s\n", parsed.error.c_str());
    }
}

// A misspelt SRINIT_* variable would otherwise be ignored without a word.
void warn_about_unknown_variables() {
    std::vector<std::string> names;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view text(*entry);
        names.emplace_back(text.substr(0, text.find('=')));
    }
    std::string warning = check_variable_names(names);
    if (!warning.empty()) {
        spdlog::warn("{}", warning);
    }
}

// Orphans are reparented to the nearest subreaper, so srinit reaps them even when it is not
// PID 1. Failure (kernels before 3.4) only means orphans go to the real init.
void become_subreaper() {
    if (::getpid() != 1) {
        ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}

// Without a signalfd srinit cannot forward signals, but it still waits for the child so
// that the container ends with its status.
int wait_without_signals(pid_t child, const Options& options) {
    for (;;) {
        int wait_status = 0;
        pid_t pid = ::waitpid(-1, &wait_status, 0);
        if (pid == child) {
            return exit_status_for_child(wait_status, options.remap_exit);
        }
        if (pid < 0 && errno != EINTR) {
            return exit_code::failure;
        }
    }
}

void handle_signal(int signo, pid_t child, const Options& options, Reaper& reaper) {
    if (signo == SIGCHLD) {
        reaper.reap();
    } else if (reaper.child_running()) {
        forward_signal(signo, child, options.process_group);
    } else {
        spdlog::debug("{} not forwarded: the child has exited", signal_name(signo));
    }
}

int supervise(pid_t child, const Options& options, const SignalState& signals, Routing& routing) {
    Fd signal_fd = open_signalfd(signals.blocked());
    if (!signal_fd) {
        return wait_without_signals(child, options);
    }
    EventLoop loop;
    Reaper reaper(loop, child, options.remap_exit, options.grace);
    loop.watch(signal_fd.get(), [&] {
        read_signals(signal_fd.get(), [&](int signo) { handle_signal(signo, child, options, reaper); });
    });
    routing.watch(loop);
    int status = loop.run();
    if (auto warning = explain_child_exit(options.command, reaper.child_wait_status())) {
        spdlog::warn("{}", *warning);
    }
    return status;
}

} // namespace

int main(int argc, char** argv) {
    // Signals are blocked before anything else, so that none arriving during start-up is
    // lost or kills srinit; they wait in the queue for the signalfd.
    SignalState signals = SignalState::block_signals();

    ParseResult parsed = parse_options(argc, argv, [](const char* name) { return std::getenv(name); });
    if (!parsed.options) {
        print_parse_result(parsed);
        return parsed.exit_status;
    }
    const Options& options = *parsed.options;
    setup_logging(options.log_level);
    warn_about_unknown_variables();

    // A command that cannot be found fails now, before routing changes: in a namespace that
    // other containers share, srinit's rules would outlive it for nothing.
    if (!options.dry_run && !options.command.empty()) {
        ExecPlan plan(options.command);
        if (!plan.exists()) {
            spdlog::error("{}", plan.describe({ENOENT, 0, 0}));
            return ExecPlan::exit_code({ENOENT, 0, 0});
        }
    }

    Routing routing(options);
    if (auto status = routing.start()) {
        return *status;
    }

    // A stop request during start-up ends srinit as that signal would have, before the
    // child exists.
    if (auto signo = signals.pending_terminating_signal()) {
        spdlog::info("received {} before starting the child; exiting", signal_name(*signo));
        return exit_code::signal_base + *signo;
    }

    become_subreaper();
    if (!options.keep_net_admin) {
        warn_if_net_admin_stays();
    }
    NetAdmin net_admin = options.keep_net_admin ? NetAdmin::keep : NetAdmin::drop;
    SpawnResult spawned = spawn_child(options.command, signals, net_admin);
    if (spawned.pid < 0) {
        return spawned.exit_status;
    }

    return supervise(spawned.pid, options, signals, routing);
}
