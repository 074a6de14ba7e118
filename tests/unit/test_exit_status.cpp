#include "shim/exit_status.hpp"

#include <doctest/doctest.h>

#include <csignal>

namespace {

// Wait statuses as Linux encodes them (see <bits/waitstatus.h>): the exit code in bits 8-15;
// the signal in bits 0-6 and the core flag in bit 7 when a signal killed the process.
int exited(int code) {
    return (code & 0xff) << 8;
}
int killed(int signo, bool core = false) {
    return signo | (core ? 0x80 : 0);
}

} // namespace

TEST_SUITE("exit status") {
    TEST_CASE("every exit code passes through") {
        for (int code = 0; code < 256; ++code) {
            CAPTURE(code);
            CHECK(srinit::exit_code_from_wait_status(exited(code)) == code);
        }
    }

    TEST_CASE("signal gives 128 plus its number") {
        CHECK(srinit::exit_code_from_wait_status(killed(SIGTERM)) == 143);
        CHECK(srinit::exit_code_from_wait_status(killed(SIGKILL)) == 137);
        CHECK(srinit::exit_code_from_wait_status(killed(SIGINT)) == 130);
        CHECK(srinit::exit_code_from_wait_status(killed(SIGSEGV, true)) == 139);
        CHECK(srinit::exit_code_from_wait_status(killed(SIGRTMAX)) == 128 + SIGRTMAX);
    }

    TEST_CASE("remap changes only listed codes") {
        std::map<int, int> remap{{143, 0}, {1, 5}};
        CHECK(srinit::remap_exit_code(143, remap) == 0);
        CHECK(srinit::remap_exit_code(1, remap) == 5);
        CHECK(srinit::remap_exit_code(0, remap) == 0);
        CHECK(srinit::remap_exit_code(2, remap) == 2);
    }

    TEST_CASE("remap applies to every code") {
        for (int code = 0; code < 256; ++code) {
            CAPTURE(code);
            std::map<int, int> remap{{code, 255 - code}};
            CHECK(srinit::exit_status_for_child(exited(code), remap) == 255 - code);
            CHECK(srinit::exit_status_for_child(exited(code), {}) == code);
        }
    }

    TEST_CASE("remap applies after signal mapping") {
        std::map<int, int> remap{{143, 0}};
        CHECK(srinit::exit_status_for_child(killed(SIGTERM), remap) == 0);
        CHECK(srinit::exit_status_for_child(killed(SIGINT), remap) == 130);
    }

    TEST_CASE("signal names") {
        CHECK(srinit::signal_name(SIGTERM) == "SIGTERM");
        CHECK(srinit::signal_name(SIGKILL) == "SIGKILL");
        CHECK(srinit::signal_name(SIGWINCH) == "SIGWINCH");
        CHECK(srinit::signal_name(SIGRTMIN) == "SIGRTMIN");
        CHECK(srinit::signal_name(SIGRTMIN + 3) == "SIGRTMIN+3");
        CHECK(srinit::signal_name(SIGRTMAX) == "SIGRTMIN+" + std::to_string(SIGRTMAX - SIGRTMIN));
        CHECK(srinit::signal_name(200) == "signal 200");
    }

    TEST_CASE("wait status descriptions") {
        CHECK(srinit::describe_wait_status(exited(3)) == "exited with status 3");
        CHECK(srinit::describe_wait_status(killed(SIGKILL)) == "was killed by signal 9 (SIGKILL)");
        CHECK(srinit::describe_wait_status(killed(SIGSEGV, true)) ==
              "was killed by signal 11 (SIGSEGV) and dumped core");
    }
}
