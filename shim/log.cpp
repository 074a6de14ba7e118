#include "shim/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <memory>

namespace srinit {

namespace {

spdlog::level::level_enum to_spdlog_level(LogLevel level) {
    switch (level) {
    case LogLevel::error:
        return spdlog::level::err;
    case LogLevel::warning:
        return spdlog::level::warn;
    case LogLevel::debug:
        return spdlog::level::debug;
    case LogLevel::info:
        break;
    }
    return spdlog::level::info;
}

} // namespace

void setup_logging(LogLevel level) {
    // The plain stderr sink writes no colour codes; the container runtime adds the timestamp.
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_st>();
    auto logger = std::make_shared<spdlog::logger>("srinit", std::move(sink));
    logger->set_pattern("srinit: %l: %v");
    logger->set_level(to_spdlog_level(level));
    // Each line goes out at once, so that it is not lost when the child or srinit dies.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(std::move(logger));
}

} // namespace srinit
