// The merge of srinit's command-line flags with the SRINIT_* environment variables into
// Options. Internal to parse_options(), which is the only caller.
#pragma once

#include "shim/options.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace srinit {

// Rejected input, thrown while parsing options and turned into exit status 2 by
// parse_options().
struct BadInput {
    std::string message;
};

// Raw values from the command line, before the environment fills the gaps and checks run.
struct Flags {
    std::string table_base;
    std::string rule_priority;
    std::vector<std::string> gateways;
    std::vector<std::string> excludes;
    std::vector<std::string> remaps;
    std::string grace;
    bool no_guess = false;
    bool ipv4_link_local = false;
    bool no_routing = false;
    bool require_routing = false;
    bool dry_run = false;
    bool no_watch = false;
    bool host_network = false;
    bool quiet = false;
    bool verbose = false;
    bool process_group = false;
    bool keep_net_admin = false;
};

// Builds Options from `flags`, which `app` has parsed the command line into. An option that
// `app` did not see takes its SRINIT_* variable from `environment`, and an empty variable
// counts as unset. Leaves Options::command empty. Throws BadInput at the first invalid value,
// contradictory --remap-exit pair or -q with -v. Its message names the flag or variable.
Options build_options(const CLI::App& app, const Flags& flags, const Environment& environment);

} // namespace srinit
