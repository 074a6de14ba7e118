#include "shim/signals.hpp"

#include "shim/exit_status.hpp"

#include <spdlog/spdlog.h>

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace srinit {

namespace {

void set_disposition(int signo, void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    ::sigaction(signo, &action, nullptr);
}

} // namespace

bool is_fault_signal(int signo) {
    switch (signo) {
    case SIGSEGV:
    case SIGBUS:
    case SIGFPE:
    case SIGILL:
    case SIGABRT:
    case SIGTRAP:
    case SIGSYS:
        return true;
    default:
        return false;
    }
}

bool terminates_by_default(int signo) {
    switch (signo) {
    case SIGCHLD:
    case SIGCONT:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGURG:
    case SIGWINCH:
        return false;
    default:
        return signo > 0 && signo < NSIG;
    }
}

SignalState SignalState::block_signals() {
    SignalState state;
    // glibc's sigfillset leaves out the two real-time signals it reserves for its threads.
    sigfillset(&state.m_blocked);
    for (int signo = 1; signo < NSIG; ++signo) {
        if (is_fault_signal(signo)) {
            sigdelset(&state.m_blocked, signo);
        }
    }
    ::sigprocmask(SIG_SETMASK, &state.m_blocked, &state.m_original_mask);

    // Only the three dispositions changed below are saved: srinit installs no handler, so
    // every other signal keeps the disposition srinit inherited, and the child inherits it
    // in turn through clone and exec. Two syscalls per signal for all 64 would cost about
    // 0.1 ms of start-up on a virtual machine.
    for (int signo : {SIGTTIN, SIGTTOU, SIGCHLD}) {
        state.m_saved[signo] = ::sigaction(signo, nullptr, &state.m_original_actions[signo]) == 0;
    }

    // Without this, a write to the terminal or tcsetpgrp by srinit from the background could
    // stop srinit, and with it the whole container.
    set_disposition(SIGTTIN, SIG_IGN);
    set_disposition(SIGTTOU, SIG_IGN);
    // An inherited SIG_IGN for SIGCHLD makes the kernel reap children itself, so waitpid
    // would never return the child's status.
    set_disposition(SIGCHLD, SIG_DFL);
    return state;
}

SignalState::Handler SignalState::inherited_disposition(int signo) const {
    if (m_saved[signo]) {
        return m_original_actions[signo].sa_handler;
    }
    struct sigaction current {};
    if (::sigaction(signo, nullptr, &current) < 0) {
        return SIG_DFL;
    }
    return current.sa_handler;
}

void SignalState::restore() const {
    for (int signo = 1; signo < NSIG; ++signo) {
        if (m_saved[signo]) {
            ::sigaction(signo, &m_original_actions[signo], nullptr);
        }
    }
    ::sigprocmask(SIG_SETMASK, &m_original_mask, nullptr);
}

std::optional<int> SignalState::pending_terminating_signal() const {
    sigset_t pending;
    if (::sigpending(&pending) < 0) {
        return std::nullopt;
    }
    // The disposition is looked up last: for a signal srinit did not save, that is a
    // syscall, and no signal is pending on a normal start.
    for (int signo = 1; signo < NSIG; ++signo) {
        if (sigismember(&pending, signo) == 1 && terminates_by_default(signo) &&
            inherited_disposition(signo) != SIG_IGN) {
            return signo;
        }
    }
    return std::nullopt;
}

Fd open_signalfd(const sigset_t& signals) {
    Fd fd(::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!fd) {
        spdlog::error("signalfd failed: {}; srinit cannot receive signals", std::strerror(errno));
    }
    return fd;
}

void read_signals(int fd, const std::function<void(int signo)>& on_signal) {
    signalfd_siginfo info{};
    for (;;) {
        ssize_t count = ::read(fd, &info, sizeof info);
        if (count < 0 && errno == EINTR) {
            continue;
        }
        if (count != static_cast<ssize_t>(sizeof info)) {
            return; // EAGAIN: nothing is queued any more
        }
        on_signal(static_cast<int>(info.ssi_signo));
    }
}

void forward_signal(int signo, pid_t child, bool to_group) {
    pid_t target = to_group ? -child : child;
    if (::kill(target, signo) == 0) {
        spdlog::debug("forwarded {} to {} {}", signal_name(signo), to_group ? "process group" : "child", child);
        return;
    }
    // ESRCH: the target no longer exists, which the child's exit will show soon enough.
    if (errno != ESRCH) {
        spdlog::warn("kill({}, {}) failed: {}; the signal is lost", target, signal_name(signo),
                     std::strerror(errno));
    }
}

} // namespace srinit
