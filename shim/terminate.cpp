// srinit's std::terminate handler. libstdc++'s default handler,
// __gnu_cxx::__verbose_terminate_handler, demangles the type of the exception in flight, so
// a static binary that keeps it also links libstdc++'s demangler (about 50 KB). srinit
// catches its exceptions below main, so terminate means a bug. Defining libstdc++'s handler
// variable here keeps its own definition, and with it the demangler, out of the link.
#include <cstdlib>
#include <exception>
#include <unistd.h>

namespace {

[[noreturn]] void terminate_after_bug() {
    static const char message[] = "srinit: error: std::terminate was called; aborting\n";
    ssize_t written = write(STDERR_FILENO, message, sizeof message - 1);
    (void)written;
    std::abort();
}

} // namespace

// Declared in libstdc++'s unwind-cxx.h, which is not installed; std::terminate calls it.
namespace __cxxabiv1 {
std::terminate_handler __terminate_handler = terminate_after_bug;
} // namespace __cxxabiv1
