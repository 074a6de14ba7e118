#include "shim/options.hpp"

#include "shim/help_format.hpp"
#include "shim/option_merge.hpp"
#include "shim/option_values.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#ifndef SRINIT_VERSION
#define SRINIT_VERSION "unknown"
#endif

namespace srinit {

namespace {

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

// Declares srinit's options on `app`, binding their values to `flags`.
void declare_options(CLI::App& app, Flags& flags) {
    set_help_formatter(app);
    app.prefix_command();
    app.footer(kFooter);
    app.set_help_flag("-h,--help", "print this help and exit");
    app.set_version_flag("--version", std::string("srinit ") + SRINIT_VERSION,
                         "print the version and exit");
    add_value_options(app, flags);
    add_flag_options(app, flags);
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
    Flags flags;
    declare_options(app, flags);

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
