// Starting the child: clone, set up the process, exec, and report an exec failure back.
#pragma once

#include "shim/signals.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace srinit {

enum class NetAdmin { drop, keep };

struct SpawnResult {
    pid_t pid = -1;      // the child, in its own process group; -1 when it did not start
    int exit_status = 0; // when pid is -1: 126 or 127 for an exec failure, 1 when clone or
                         // pipe2 failed, 2 for an empty command
};

// Starts a child that moves into its own process group, takes the terminal's foreground
// when stdin is its controlling terminal, drops CAP_NET_ADMIN unless `net_admin` is keep,
// restores the signal state srinit inherited, and execs `command`.
// Returns once the child has exec'd or failed to; the failure is logged with its cause.
SpawnResult spawn_child(const std::vector<std::string>& command, const SignalState& signals,
                        NetAdmin net_admin);

} // namespace srinit
