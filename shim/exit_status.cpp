#include "shim/exit_status.hpp"

#include <csignal>
#include <cstring>
#include <string>
#include <sys/wait.h>

namespace srinit {

int exit_code_from_wait_status(int wait_status) {
    if (WIFSIGNALED(wait_status)) {
        return exit_code::signal_base + WTERMSIG(wait_status);
    }
    return WEXITSTATUS(wait_status);
}

int remap_exit_code(int code, const std::map<int, int>& remap) {
    auto found = remap.find(code);
    return found == remap.end() ? code : found->second;
}

int exit_status_for_child(int wait_status, const std::map<int, int>& remap) {
    return remap_exit_code(exit_code_from_wait_status(wait_status), remap);
}

std::string signal_name(int signo) {
    // glibc's sigabbrev_np has no names for the real-time signals, whose numbers also
    // depend on how many the C library reserves for itself.
    if (signo >= SIGRTMIN && signo <= SIGRTMAX) {
        int offset = signo - SIGRTMIN;
        return offset == 0 ? "SIGRTMIN" : "SIGRTMIN+" + std::to_string(offset);
    }
    const char* abbreviation = ::sigabbrev_np(signo);
    if (abbreviation == nullptr) {
        return "signal " + std::to_string(signo);
    }
    return std::string("SIG") + abbreviation;
}

std::string describe_wait_status(int wait_status) {
    if (!WIFSIGNALED(wait_status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(wait_status));
    }
    int signo = WTERMSIG(wait_status);
    std::string text = "was killed by signal " + std::to_string(signo) + " (" + signal_name(signo) + ")";
    if (WCOREDUMP(wait_status)) {
        text += " and dumped core";
    }
    return text;
}

} // namespace srinit
