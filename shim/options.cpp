#include "shim/options.hpp"

#include "shim/option_values.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#ifndef SRINIT_VERSION
#define SRINIT_VERSION "unknown"
#endif

namespace srinit {

namespace {

// Rejected input, thrown inside this file only and turned into exit status 2.
struct BadInput {
    std::string message;
};

[[noreturn]] void reject(const std::string& source, const std::string& value, const char* form) {
    throw BadInput{"invalid " + source + " '" + value + "': expected " + form};
}

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

// A value and where it came from ("--grace" or "SRINIT_GRACE"), for the error message.
struct Input {
    std::string source;
    std::string text;
};

constexpr size_t kHelpWidth = 80;
constexpr size_t kHelpNameColumn = 30;

// Breaks `text` into lines of at most `width` characters at spaces.
std::string wrap(const std::string& text, size_t width) {
    std::string wrapped;
    size_t line_length = 0;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find(' ', start);
        if (end == std::string::npos) {
            end = text.size();
        }
        size_t word_length = end - start;
        if (line_length > 0 && line_length + 1 + word_length > width) {
            wrapped += '\n';
            line_length = 0;
        } else if (line_length > 0) {
            wrapped += ' ';
            ++line_length;
        }
        wrapped.append(text, start, word_length);
        line_length += word_length;
        start = end + 1;
    }
    return wrapped;
}

// Prints "srinit [OPTIONS] [--] COMMAND [ARGS...]" as the usage line and wraps option
// descriptions, neither of which CLI11 2.1 does by itself.
class HelpFormatter : public CLI::Formatter {
  public:
    std::string make_usage(const CLI::App*, std::string name) const override {
        return "\nUsage: " + name + " [OPTIONS] [--] COMMAND [ARGS...]\n";
    }
    std::string make_option_desc(const CLI::Option* option) const override {
        return wrap(option->get_description(), kHelpWidth - kHelpNameColumn);
    }
};

const char* const kDescription =
    "srinit: a container init. It installs source-based routing, a table per\n"
    "interface and a `from ADDRESS` rule per address, so that replies leave through\n"
    "the interface their request came in on. Then it runs COMMAND as its child,\n"
    "forwards signals to it, reaps zombies and exits with the child's status.";

const char* const kFooter =
    "Options end at the first argument that is not an option, or at `--`. The rest\n"
    "is the command, passed on untouched. Every option has the environment variable\n"
    "shown in brackets, and the command line wins over it. Boolean variables take 1,\n"
    "0, true, false, yes or no. Lists are separated by commas or spaces.\n"
    "\n"
    "Exit status: the child's status (128+N when signal N killed it), 2 for invalid\n"
    "options, 1 when --require-routing is set and routing failed or start-up failed,\n"
    "126 when COMMAND is not executable, 127 when it is not found, 0 after --help,\n"
    "--version and --dry-run.";

void add_value_options(CLI::App& app, Flags& flags) {
    auto last_wins = CLI::MultiOptionPolicy::TakeLast;
    app.add_option("--table-base", flags.table_base,
                   "table of an interface = N + its ifindex; 256 to 2147483647, so no table is "
                   "253-255 (default, main, local) [SRINIT_TABLE_BASE, default 1000]")
        ->type_name("N")
        ->multi_option_policy(last_wins);
    app.add_option("--rule-priority", flags.rule_priority,
                   "priority of the rule `lookup main suppress_prefixlength 0`; `from` rules "
                   "get N+1; 1 to 32764, below main's 32766 [SRINIT_RULE_PRIORITY, default 1000]")
        ->type_name("N")
        ->multi_option_policy(last_wins);
    app.add_option("--gateway", flags.gateways,
                   "default gateway of an interface, by name (eth1=198.18.1.254) or by subnet "
                   "(198.18.1.0/24=198.18.1.254); repeatable [SRINIT_GATEWAYS]")
        ->type_name("NAME=ADDRESS|SUBNET=ADDRESS")
        ->allow_extra_args(false);
    app.add_option("--exclude", flags.excludes,
                   "leave interfaces alone by name or fnmatch(3) glob (veth*); repeatable "
                   "[SRINIT_EXCLUDE]")
        ->type_name("NAME|GLOB")
        ->allow_extra_args(false);
    app.add_option("--remap-exit", flags.remaps,
                   "exit with TO when the child exits with FROM (143=0); statuses 0 to 255; "
                   "repeatable [SRINIT_REMAP_EXIT]")
        ->type_name("FROM=TO")
        ->allow_extra_args(false);
    app.add_option("--grace", flags.grace,
                   "once the child has exited, the time the other processes get after SIGTERM "
                   "before SIGKILL: 500ms, 5s, 1m, 1h or a bare number of seconds; 0 exits at "
                   "once; at most 24h [SRINIT_GRACE, default 0]")
        ->type_name("DURATION")
        ->multi_option_policy(last_wins);
}

void add_flag_options(CLI::App& app, Flags& flags) {
    app.add_flag("--no-guess", flags.no_guess,
                 "do not guess the first host of a prefix as its gateway [SRINIT_NO_GUESS]");
    app.add_flag("--ipv4-link-local", flags.ipv4_link_local,
                 "manage 169.254.0.0/16 addresses too [SRINIT_IPV4_LINK_LOCAL]");
    app.add_flag("--no-routing", flags.no_routing,
                 "leave routing alone, only run the child [SRINIT_NO_ROUTING]");
    app.add_flag("--require-routing", flags.require_routing,
                 "exit 1 before starting the child when routing cannot be set up "
                 "[SRINIT_REQUIRE_ROUTING]");
    app.add_flag("--dry-run", flags.dry_run,
                 "print the ip(8) commands that would be run, change nothing, exit; no "
                 "COMMAND needed [SRINIT_DRY_RUN]");
    app.add_flag("--no-watch", flags.no_watch,
                 "set up routing once at start, do not follow network changes [SRINIT_NO_WATCH]");
    app.add_flag("--host-network", flags.host_network,
                 "manage routing even in what looks like the host's network namespace "
                 "[SRINIT_HOST_NETWORK]");
    app.add_flag("-q,--quiet", flags.quiet,
                 std::string("log warnings and errors only [SRINIT_LOG_LEVEL=warn; it takes ") +
                     kLogLevelForm + "]");
    app.add_flag("-v,--verbose", flags.verbose,
                 "log debug lines too: each netlink change, signal, reaped pid "
                 "[SRINIT_LOG_LEVEL=debug]");
    app.add_flag("-g,--process-group", flags.process_group,
                 "forward signals to the child's process group, not only the child "
                 "[SRINIT_PROCESS_GROUP]");
    app.add_flag("--keep-net-admin", flags.keep_net_admin,
                 "let the child keep CAP_NET_ADMIN (dropped by default) [SRINIT_KEEP_NET_ADMIN]");
}

// The flag's value when the flag was given, else the environment variable's when set and
// not empty, else nullopt.
std::optional<Input> pick(const CLI::App& app, const char* flag, const std::string& value,
                          const char* variable, const Environment& environment) {
    if (app.count(flag) > 0) {
        return Input{flag, value};
    }
    const char* text = environment(variable);
    if (text != nullptr && *text != '\0') {
        return Input{variable, text};
    }
    return std::nullopt;
}

std::vector<Input> pick_list(const CLI::App& app, const char* flag,
                             const std::vector<std::string>& values, const char* variable,
                             const Environment& environment) {
    std::vector<Input> inputs;
    if (app.count(flag) > 0) {
        for (const std::string& value : values) {
            inputs.push_back(Input{flag, value});
        }
        return inputs;
    }
    const char* text = environment(variable);
    if (text != nullptr) {
        for (std::string& item : split_list(text)) {
            inputs.push_back(Input{variable, std::move(item)});
        }
    }
    return inputs;
}

// A flag given on the command line sets its option; otherwise the variable decides.
bool pick_bool(const CLI::App& app, const char* flag, bool value, const char* variable,
               const Environment& environment) {
    if (app.count(flag) > 0) {
        return value;
    }
    const char* text = environment(variable);
    if (text == nullptr || *text == '\0') {
        return false;
    }
    std::optional<bool> parsed = parse_bool(text);
    if (!parsed) {
        reject(variable, text, kBoolForm);
    }
    return *parsed;
}

uint32_t pick_number(const CLI::App& app, const char* flag, const std::string& value,
                     const char* variable, const Environment& environment, NumberRange range) {
    std::optional<Input> input = pick(app, flag, value, variable, environment);
    if (!input) {
        return range.fallback;
    }
    std::optional<uint64_t> number = parse_number(input->text, range.min, range.max);
    if (!number) {
        reject(input->source, input->text, range.form);
    }
    return uint32_t(*number);
}

LogLevel pick_log_level(const CLI::App& app, const Flags& flags, const Environment& environment) {
    if (flags.quiet && flags.verbose) {
        throw BadInput{"invalid combination of -q and -v: expected at most one of them"};
    }
    if (app.count("--quiet") > 0) {
        return LogLevel::warning;
    }
    if (app.count("--verbose") > 0) {
        return LogLevel::debug;
    }
    const char* text = environment("SRINIT_LOG_LEVEL");
    if (text == nullptr || *text == '\0') {
        return LogLevel::info;
    }
    std::optional<LogLevel> level = parse_log_level(text);
    if (!level) {
        reject("SRINIT_LOG_LEVEL", text, kLogLevelForm);
    }
    return *level;
}

void fill_plan(const CLI::App& app, const Flags& flags, const Environment& environment,
               PlanOptions& plan) {
    plan.table_base = pick_number(app, "--table-base", flags.table_base, "SRINIT_TABLE_BASE",
                                  environment, kTableBaseRange);
    plan.rule_priority = pick_number(app, "--rule-priority", flags.rule_priority,
                                     "SRINIT_RULE_PRIORITY", environment, kRulePriorityRange);

    for (const Input& input :
         pick_list(app, "--gateway", flags.gateways, "SRINIT_GATEWAYS", environment)) {
        std::optional<GatewayOption> gateway = parse_gateway(input.text);
        std::string reason = gateway ? "" : explain_gateway_error(input.text);
        if (!reason.empty()) {
            throw BadInput{"invalid " + input.source + " '" + input.text + "': " + reason};
        }
        if (!gateway) {
            reject(input.source, input.text, kGatewayForm);
        }
        plan.gateways.push_back(std::move(*gateway));
    }
    for (const Input& input :
         pick_list(app, "--exclude", flags.excludes, "SRINIT_EXCLUDE", environment)) {
        if (!is_valid_exclude(input.text)) {
            reject(input.source, input.text, kExcludeForm);
        }
        plan.exclude.push_back(input.text);
    }

    plan.guess = !pick_bool(app, "--no-guess", flags.no_guess, "SRINIT_NO_GUESS", environment);
    plan.ipv4_link_local = pick_bool(app, "--ipv4-link-local", flags.ipv4_link_local,
                                     "SRINIT_IPV4_LINK_LOCAL", environment);
}

void fill_process(const CLI::App& app, const Flags& flags, const Environment& environment,
                  Options& options) {
    std::map<int, Input> remap_inputs; // FROM to the value that set it
    for (const Input& input :
         pick_list(app, "--remap-exit", flags.remaps, "SRINIT_REMAP_EXIT", environment)) {
        std::optional<std::pair<int, int>> remap = parse_remap(input.text);
        if (!remap) {
            reject(input.source, input.text, kRemapForm);
        }
        auto [previous, first] = remap_inputs.emplace(remap->first, input);
        if (!first && options.remap_exit[remap->first] != remap->second) {
            throw BadInput{"contradictory " + previous->second.source + " '" +
                           previous->second.text + "' and " + input.source + " '" +
                           input.text + "': expected one status for exit status " +
                           std::to_string(remap->first)};
        }
        options.remap_exit[remap->first] = remap->second;
    }

    if (auto input = pick(app, "--grace", flags.grace, "SRINIT_GRACE", environment)) {
        std::optional<std::chrono::milliseconds> grace = parse_duration(input->text);
        if (!grace) {
            reject(input->source, input->text, kDurationForm);
        }
        options.grace = *grace;
    }

    options.process_group = pick_bool(app, "--process-group", flags.process_group,
                                      "SRINIT_PROCESS_GROUP", environment);
    options.keep_net_admin = pick_bool(app, "--keep-net-admin", flags.keep_net_admin,
                                       "SRINIT_KEEP_NET_ADMIN", environment);
    options.log_level = pick_log_level(app, flags, environment);
}

Options build_options(const CLI::App& app, const Flags& flags, const Environment& environment) {
    Options options;
    fill_plan(app, flags, environment, options.plan);
    options.routing =
        !pick_bool(app, "--no-routing", flags.no_routing, "SRINIT_NO_ROUTING", environment);
    options.require_routing = pick_bool(app, "--require-routing", flags.require_routing,
                                        "SRINIT_REQUIRE_ROUTING", environment);
    options.dry_run = pick_bool(app, "--dry-run", flags.dry_run, "SRINIT_DRY_RUN", environment);
    options.watch = !pick_bool(app, "--no-watch", flags.no_watch, "SRINIT_NO_WATCH", environment);
    options.host_network = pick_bool(app, "--host-network", flags.host_network,
                                     "SRINIT_HOST_NETWORK", environment);
    fill_process(app, flags, environment, options);
    return options;
}

// Splits what CLI11 left over into the command; an option srinit does not know comes first.
std::vector<std::string> take_command(std::vector<std::string> remaining) {
    if (!remaining.empty() && remaining.front() == "--") {
        remaining.erase(remaining.begin());
    } else if (!remaining.empty() && remaining.front().size() > 1 &&
               remaining.front()[0] == '-') {
        throw BadInput{"unknown option '" + remaining.front() +
                       "'; see srinit --help, and put the command after --"};
    }
    return remaining;
}

// Turns a CLI11 parse error into srinit's message, naming the option when CLI11 did.
std::string describe_parse_error(const CLI::ParseError& error) {
    std::string text = error.what();
    if (error.get_name() == "ArgumentMismatch") {
        std::string option = text.substr(0, text.find(':'));
        return "missing value for " + option + "; see srinit --help";
    }
    return "invalid command line: " + text + "; see srinit --help";
}

} // namespace

ParseResult parse_options(int argc, const char* const* argv, const Environment& environment) {
    CLI::App app{kDescription, "srinit"};
    app.formatter(std::make_shared<HelpFormatter>());
    app.get_formatter()->column_width(kHelpNameColumn);
    app.prefix_command();
    app.footer(kFooter);
    app.set_help_flag("-h,--help", "print this help and exit");
    app.set_version_flag("--version", std::string("srinit ") + SRINIT_VERSION,
                         "print the version and exit");

    Flags flags;
    add_value_options(app, flags);
    add_flag_options(app, flags);

    ParseResult result;
    try {
        // CLI11 takes a mutable argv; parse(vector) reads it in reverse order.
        std::vector<std::string> arguments(argv + (argc > 0 ? 1 : 0), argv + argc);
        std::reverse(arguments.begin(), arguments.end());
        app.parse(arguments);

        Options options = build_options(app, flags, environment);
        options.command = take_command(app.remaining());
        if (options.command.empty() && !options.dry_run) {
            throw BadInput{"missing command: expected srinit [OPTIONS] -- COMMAND "
                           "[ARGS...], such as srinit -- nginx -g 'daemon off;'"};
        }
        result.options = std::move(options);
    } catch (const CLI::CallForHelp&) {
        result.output = app.help();
    } catch (const CLI::CallForVersion& version) {
        result.output = std::string(version.what()) + "\n";
    } catch (const CLI::ParseError& error) {
        result.exit_status = 2;
        result.error = describe_parse_error(error);
    } catch (const BadInput& bad) {
        result.exit_status = 2;
        result.error = bad.message;
    }
    return result;
}

} // namespace srinit
