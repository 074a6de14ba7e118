// The layout of srinit --help on top of CLI11's default formatter.
#pragma once

#include <CLI/CLI.hpp>

namespace srinit {

// Sets `app`'s formatter to one that prints "srinit [OPTIONS] [--] COMMAND [ARGS...]" as the
// usage line and wraps option descriptions at spaces to 80 columns, neither of which CLI11 2.1
// does by itself.
void set_help_formatter(CLI::App& app);

} // namespace srinit
