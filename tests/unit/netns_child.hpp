// A harness for kernel tests: each test case forks a child that moves into a network namespace
// of its own (unshare(CLONE_NEWNET)) before it touches anything, builds a veth pair there, and
// reports through its exit status. Without root or without permission to unshare, the case is
// skipped, so it never runs in the caller's namespace.
#pragma once

#include "netlink/socket.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <doctest/doctest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

namespace srinit::testing {

constexpr int kSkipped = 77;    // unshare(CLONE_NEWNET) not permitted
constexpr int kSetupFailed = 3; // the namespace or its veth pair could not be built
constexpr unsigned kChildTimeoutSeconds = 30;
constexpr const char* kDevice = "veth-nl0"; // 198.18.10.2/24, fd00:10::2/64
// The peer has no address, so that 198.18.10.1 and fd00:10::1 are gateways on the link that are
// not local (the kernel rejects a local IPv6 address as gateway).
constexpr const char* kPeer = "veth-nl1";

// Prints the failed condition and the namespace's rules and routes, for the test log.
inline void report_failure(const char* file, int line, const char* condition) {
    std::fprintf(stderr, "%s:%d: child check failed: %s\n", file, line, condition);
    std::fflush(stderr);
    std::system("(ip rule; ip -6 rule; ip route show table all; ip -6 route show table all) >&2");
}

#define EXPECT(condition)                                                                          \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            report_failure(__FILE__, __LINE__, #condition);                                        \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

inline bool set_up_network() {
    const char* commands[] = {
        "ip link set lo up",
        "ip link add veth-nl0 type veth peer name veth-nl1",
        "ip addr add 198.18.10.2/24 dev veth-nl0",
        "ip addr add fd00:10::2/64 dev veth-nl0 nodad",
        "ip link set veth-nl0 up",
        "ip link set veth-nl1 up",
    };
    for (const char* command : commands) {
        if (std::system(command) != 0) {
            std::fprintf(stderr, "namespace setup failed: %s\n", command);
            return false;
        }
    }
    return true;
}

using Body = int (*)(Socket& socket);

inline int child_main(Body body) {
    alarm(kChildTimeoutSeconds);
    if (unshare(CLONE_NEWNET) != 0)
        return errno == EPERM ? kSkipped : kSetupFailed;
    if (!set_up_network())
        return kSetupFailed;
    Result<Socket> socket = Socket::open();
    if (!socket) {
        std::fprintf(stderr, "%s\n", socket.error().message.c_str());
        return kSetupFailed;
    }
    return body(*socket);
}

inline void run_in_namespace(Body body) {
    if (geteuid() != 0) {
        MESSAGE("skipped: creating a network namespace needs root");
        return;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0)
        _exit(child_main(body));

    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE_MESSAGE(WIFEXITED(status), "child killed by signal ", WTERMSIG(status));
    if (WEXITSTATUS(status) == kSkipped) {
        MESSAGE("skipped: unshare(CLONE_NEWNET) not permitted");
        return;
    }
    CHECK(WEXITSTATUS(status) == 0);
}

} // namespace srinit::testing
