// The unit tests' main. srinit is built without spdlog's default logger, so code under test
// logs through the one that srinit itself installs at start.
#define DOCTEST_CONFIG_IMPLEMENT
#include "shim/log.hpp"

#include <doctest/doctest.h>

int main(int argc, char** argv) {
    srinit::setup_logging(srinit::LogLevel::info);
    return doctest::Context(argc, argv).run();
}
