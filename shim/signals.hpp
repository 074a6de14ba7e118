// Signal handling in srinit. Every catchable signal except the fault signals is blocked and
// read from a signalfd. The child gets the mask and dispositions srinit started with.
#pragma once

#include "shim/fd.hpp"

#include <csignal>
#include <functional>
#include <optional>
#include <sys/types.h>

namespace srinit {

// The signal mask and dispositions srinit inherited, saved before it changed them.
class SignalState {
  public:
    // Blocks every signal except the fault signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
    // SIGABRT, SIGTRAP, SIGSYS), after saving the original mask and the dispositions of
    // SIGTTIN, SIGTTOU and SIGCHLD. Then ignores SIGTTIN and SIGTTOU and resets an
    // inherited "ignore" of SIGCHLD to default, so that exited children stay waitable.
    // srinit changes no other disposition. Call first thing in main.
    static SignalState block_signals();

    // Restores the saved mask and the three saved dispositions; the others were never
    // changed. Async-signal-safe: for the child between fork and exec. Signals that srinit
    // inherited as ignored stay ignored.
    void restore() const;

    // Returns a pending signal that would have ended srinit without the blocking: its default
    // action terminates and srinit did not inherit it as ignored. srinit then exits with
    // 128 + N instead of starting the child.
    std::optional<int> pending_terminating_signal() const;

    // The blocked signals, for signalfd.
    const sigset_t& blocked() const { return m_blocked; }

  private:
    using Handler = void (*)(int);

    SignalState() = default;

    // The disposition srinit inherited for `signo`: the saved one for the signals whose
    // disposition srinit changed, the current one for all others.
    Handler inherited_disposition(int signo) const;

    sigset_t m_original_mask{};
    sigset_t m_blocked{};
    struct sigaction m_original_actions[NSIG]{};
    bool m_saved[NSIG]{};
};

// Whether `signo` is a fault signal, which srinit leaves unblocked so that a crash in srinit
// itself ends it at once with the usual status and core dump.
bool is_fault_signal(int signo);

// Whether the default action of `signo` ends the process (terminate or core dump).
bool terminates_by_default(int signo);

// Opens a non-blocking, close-on-exec signalfd for `signals`; an invalid Fd on failure
// (logged).
Fd open_signalfd(const sigset_t& signals);

// Reads every queued signal from the non-blocking signalfd `fd`, calling `on_signal` for each.
void read_signals(int fd, const std::function<void(int signo)>& on_signal);

// Sends `signo` to the child, or to its process group (whose id is the child's pid) when
// `to_group`. ESRCH means the target has exited and is not an error.
void forward_signal(int signo, pid_t child, bool to_group);

} // namespace srinit
