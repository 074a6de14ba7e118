#include "shim/fd.hpp"
#include "shim/loop.hpp"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

namespace {

struct Pipe {
    srinit::Fd read_end;
    srinit::Fd write_end;
};

Pipe make_pipe() {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    return {srinit::Fd(fds[0]), srinit::Fd(fds[1])};
}

} // namespace

TEST_SUITE("event loop") {
    TEST_CASE("readable fd runs its callback") {
        srinit::EventLoop loop;
        Pipe pipe = make_pipe();
        REQUIRE(::write(pipe.write_end.get(), "x", 1) == 1);
        int calls = 0;
        loop.watch(pipe.read_end.get(), [&] {
            ++calls;
            loop.stop(7);
        });
        CHECK(loop.run() == 7);
        CHECK(calls == 1);
    }

    TEST_CASE("throwing callback keeps loop running") {
        srinit::EventLoop loop;
        Pipe first = make_pipe();
        Pipe second = make_pipe();
        REQUIRE(::write(first.write_end.get(), "x", 1) == 1);
        loop.watch(first.read_end.get(), [&] {
            loop.unwatch(first.read_end.get());
            REQUIRE(::write(second.write_end.get(), "y", 1) == 1);
            throw std::runtime_error("test failure in a callback");
        });
        loop.watch(second.read_end.get(), [&] { loop.stop(5); });
        // The loop logs the exception as an error; the test output needs no such line.
        spdlog::level::level_enum level = spdlog::get_level();
        spdlog::set_level(spdlog::level::off);
        CHECK(loop.run() == 5);
        spdlog::set_level(level);
    }

    TEST_CASE("callback may unwatch itself") {
        srinit::EventLoop loop;
        Pipe first = make_pipe();
        Pipe second = make_pipe();
        REQUIRE(::write(first.write_end.get(), "x", 1) == 1);
        loop.watch(first.read_end.get(), [&] {
            loop.unwatch(first.read_end.get());
            REQUIRE(::write(second.write_end.get(), "y", 1) == 1);
        });
        loop.watch(second.read_end.get(), [&] { loop.stop(0); });
        CHECK(loop.run() == 0);
    }

    TEST_CASE("hang-up counts as readable") {
        srinit::EventLoop loop;
        Pipe pipe = make_pipe();
        pipe.write_end.reset();
        loop.watch(pipe.read_end.get(), [&] { loop.stop(3); });
        CHECK(loop.run() == 3);
    }
}

TEST_SUITE("fd") {
    TEST_CASE("move leaves the source empty") {
        Pipe pipe = make_pipe();
        int raw = pipe.read_end.get();
        srinit::Fd moved(std::move(pipe.read_end));
        CHECK(moved.get() == raw);
        CHECK_FALSE(pipe.read_end.valid());
    }

    TEST_CASE("reset closes the descriptor") {
        Pipe pipe = make_pipe();
        int raw = pipe.read_end.get();
        pipe.read_end.reset();
        CHECK(::fcntl(raw, F_GETFD) == -1);
    }
}
