#include "shim/option_merge.hpp"

#include "shim/option_values.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace srinit {

namespace {

[[noreturn]] void reject(const std::string& source, const std::string& value, const char* form) {
    throw BadInput{"invalid " + source + " '" + value + "': expected " + form};
}

// A value and where it came from ("--grace" or "SRINIT_GRACE"), for the error message.
struct Input {
    std::string source;
    std::string text;
};

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

void fill_gateways(const CLI::App& app, const Flags& flags, const Environment& environment,
                   PlanOptions& plan) {
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
}

void fill_plan(const CLI::App& app, const Flags& flags, const Environment& environment,
               PlanOptions& plan) {
    plan.table_base = pick_number(app, "--table-base", flags.table_base, "SRINIT_TABLE_BASE",
                                  environment, kTableBaseRange);
    plan.rule_priority = pick_number(app, "--rule-priority", flags.rule_priority,
                                     "SRINIT_RULE_PRIORITY", environment, kRulePriorityRange);

    fill_gateways(app, flags, environment, plan);
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

void fill_remap_exit(const CLI::App& app, const Flags& flags, const Environment& environment,
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
}

void fill_process(const CLI::App& app, const Flags& flags, const Environment& environment,
                  Options& options) {
    fill_remap_exit(app, flags, environment, options);

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

} // namespace

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

} // namespace srinit
