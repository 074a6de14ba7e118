// Writes CLOCK_REALTIME in microseconds to file descriptor 3, then executes its arguments in
// place: the start of the init under test, without the cost of a shell's fork before it.
#include <cstdio>
#include <ctime>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: start_stamp COMMAND [ARGS...] 3>FILE\n");
        return 2;
    }
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    dprintf(3, "%lld\n", static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000);
    execv(argv[1], argv + 1);
    std::perror(argv[1]);
    return 127;
}
