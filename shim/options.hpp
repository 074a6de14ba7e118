// srinit's options, from the command line and SRINIT_* environment variables. The command
// line wins over the environment. Parsing is pure: no output, no system calls.
#pragma once

#include "netlink/plan.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace srinit {

// -q, default, -v; error (errors only) is set by SRINIT_LOG_LEVEL=error.
enum class LogLevel { warning, info, debug, error };

struct Options {
    PlanOptions plan;
    bool routing = true;          // --no-routing turns routing off entirely
    bool require_routing = false; // --require-routing: exit 1 when routing cannot be set up
    bool dry_run = false;         // --dry-run: print the ip(8) commands, change nothing, exit 0
    bool watch = true;            // --no-watch: set up routing once, do not follow changes
    bool host_network = false;    // --host-network: manage routing in the host's namespace too
    LogLevel log_level = LogLevel::info;
    bool process_group = false;   // -g: forward signals to the child's process group
    bool keep_net_admin = false;  // --keep-net-admin: leave CAP_NET_ADMIN to the child
    std::map<int, int> remap_exit; // --remap-exit FROM=TO
    std::chrono::milliseconds grace{0}; // --grace DURATION
    std::vector<std::string> command;  // the child's argv, after "--"
};

struct ParseResult {
    std::optional<Options> options; // set when srinit should go on and run the child
    int exit_status = 0;            // when options is unset: 0 for --help/--version, 2 for bad input
    std::string output;             // text for stdout (--help, --version)
    std::string error;              // text for stderr (bad input), one message
};

// Looks up an environment variable; returns nullptr when unset.
using Environment = std::function<const char*(const char* name)>;

ParseResult parse_options(int argc, const char* const* argv, const Environment& environment);

} // namespace srinit
