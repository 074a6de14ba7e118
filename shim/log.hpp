// Logging: spdlog to stderr, no colour, no timestamp, "srinit: <level>: " before each line.
#pragma once

#include "shim/options.hpp"

#include <spdlog/spdlog.h>

namespace srinit {

// Sets up the default spdlog logger; call once, before the first log line.
void setup_logging(LogLevel level);

} // namespace srinit
