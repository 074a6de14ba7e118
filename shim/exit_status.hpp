// srinit's exit statuses, all in one place, and the mapping from the child's wait status.
// Pure: no system calls, so unit tests need no child processes.
#pragma once

#include <map>
#include <string>

namespace srinit {

namespace exit_code {
constexpr int failure = 1;           // start-up failure, or --require-routing failed
constexpr int usage = 2;             // invalid options
constexpr int not_executable = 126;  // exec failed: permission denied, a directory, ...
constexpr int not_found = 127;       // exec failed: the command or its interpreter is missing
constexpr int signal_base = 128;     // 128 + N: killed by signal N
} // namespace exit_code

// Returns the exit code a shell would report for `wait_status` (from waitpid): the exit
// status when the child exited, 128 + N when signal N killed it.
int exit_code_from_wait_status(int wait_status);

// Returns remap[code] when `code` is a key of `remap` (--remap-exit FROM=TO), else `code`.
int remap_exit_code(int code, const std::map<int, int>& remap);

// Returns the final exit status for the child's wait status: the exit code, then remapped.
int exit_status_for_child(int wait_status, const std::map<int, int>& remap);

// Returns a signal's name: "SIGTERM", "SIGRTMIN+3", or "signal 99" when it has none.
std::string signal_name(int signo);

// Describes a wait status for the log: "exited with status 3", "was killed by signal 9
// (SIGKILL)", "was killed by signal 11 (SIGSEGV) and dumped core".
std::string describe_wait_status(int wait_status);

} // namespace srinit
