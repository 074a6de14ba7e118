#include "shim/terminal.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace srinit {

int take_terminal_foreground() {
    if (::tcsetpgrp(STDIN_FILENO, ::getpgrp()) == 0) {
        return 0;
    }
    // ENOTTY: stdin is not a terminal, or not srinit's controlling terminal. ENXIO: the
    // terminal was hung up. EBADF: stdin is closed.
    if (errno == ENOTTY || errno == ENXIO || errno == EBADF) {
        return 0;
    }
    return errno;
}

} // namespace srinit
