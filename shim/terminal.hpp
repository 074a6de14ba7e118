// Handing the controlling terminal to the child, so that it reads the terminal and gets
// Ctrl-C (SIGINT) and Ctrl-Z (SIGTSTP) from it as it would without srinit.
#pragma once

#include <sys/types.h>

namespace srinit {

// Makes the calling process's group the foreground group of the controlling terminal on
// stdin, when `srinit_group` (srinit's own process group) is the foreground group now. So
// srinit started in the background of a shell (`srinit -- app &`) leaves the terminal to
// the shell. Returns 0, or the errno of a failure other than "no controlling terminal
// there" (ENOTTY, ENXIO, EBADF), which is the usual case in a container and ignored.
// Async-signal-safe: for the child between fork and exec, where SIGTTOU is still blocked
// so that tcsetpgrp from a background group does not stop it.
int take_terminal_foreground(pid_t srinit_group);

} // namespace srinit
