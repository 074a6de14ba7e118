// Prints CLOCK_REALTIME in microseconds the moment it runs: the benchmark's "application",
// so the time from an init's start to its child's exec can be measured from outside.
#include <cstdio>
#include <ctime>

int main() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    std::printf("%lld\n", static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000);
    return 0;
}
