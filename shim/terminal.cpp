#include "shim/terminal.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace srinit {

namespace {

// ENOTTY: stdin is not a terminal, or not srinit's controlling terminal. ENXIO: the
// terminal was hung up. EBADF: stdin is closed.
bool is_no_terminal_error(int error) {
    return error == ENOTTY || error == ENXIO || error == EBADF;
}

} // namespace

int take_terminal_foreground(pid_t srinit_group) {
    pid_t foreground = ::tcgetpgrp(STDIN_FILENO);
    if (foreground < 0) {
        return is_no_terminal_error(errno) ? 0 : errno;
    }
    if (foreground != srinit_group) {
        return 0;
    }
    if (::tcsetpgrp(STDIN_FILENO, ::getpgrp()) < 0 && !is_no_terminal_error(errno)) {
        return errno;
    }
    return 0;
}

} // namespace srinit
