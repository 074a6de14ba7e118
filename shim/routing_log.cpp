// The log lines about each plan and its outcome. Each line is logged when it is new, so that
// a resync after a network event that changed nothing stays quiet.
#include "shim/routing_state.hpp"

#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace srinit {

namespace {

const char* family_name(uint8_t family) {
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

std::string describe_gateway(const InterfacePlan& interface, const Failures& failures) {
    std::pair<uint8_t, uint32_t> key{interface.family, interface.table};
    std::string source = "(" + std::string(to_string(interface.gateway_source)) + ")";
    if (failures.defaults.count(key)) {
        return " gateway could not be installed " + source;
    }
    std::string gateway = interface.gateway.is_set() ? to_string(interface.gateway) + " " : "";
    std::string incomplete = failures.tables.count(key) ? ", incomplete: a change failed" : "";
    return " gateway " + gateway + source + incomplete;
}

// Logs the lines that the previous resync did not log, so that a steady state stays quiet.
void log_new(std::set<std::string>& previous, const std::vector<std::string>& lines,
             spdlog::level::level_enum level) {
    for (const std::string& line : lines) {
        if (!previous.count(line)) {
            spdlog::log(level, "{}", line);
        }
    }
    previous = std::set<std::string>(lines.begin(), lines.end());
}

// Logs each interface that the previous resync managed and `plan` no longer does.
void log_removed(std::map<uint32_t, std::string>& managed, const Plan& plan) {
    std::map<uint32_t, std::string> now;
    for (const InterfacePlan& interface : plan.interfaces) {
        now[interface.ifindex] = interface.name + ": table " + std::to_string(interface.table);
    }
    for (const auto& [ifindex, line] : managed) {
        if (!now.count(ifindex)) {
            spdlog::info("{} no longer managed (interface gone, down or without addresses); "
                         "its rules and routes are removed",
                         line);
        }
    }
    managed = std::move(now);
}

std::vector<std::string> describe_skips(const Plan& plan) {
    std::vector<std::string> lines;
    for (const Skip& skip : plan.skips) {
        std::string family = skip.family == 0 ? "" : std::string(" ") + family_name(skip.family);
        lines.push_back("skipping " + skip.name + family + ": " + skip.reason);
    }
    return lines;
}

bool names_link(const Snapshot& snapshot, const std::string& name) {
    for (const Link& link : snapshot.links) {
        if (link.name == name) {
            return true;
        }
    }
    return false;
}

bool contains_managed_address(const Plan& plan, const Prefix& subnet) {
    for (const InterfacePlan& interface : plan.interfaces) {
        for (const IpAddress& address : interface.addresses) {
            if (contains(subnet, address)) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

void Failures::add(const Change& change) {
    if (const Route* route = std::get_if<Route>(&change.object)) {
        tables.emplace(route->family, route->table);
        if (route->dst.length == 0) {
            defaults.emplace(route->family, route->table);
        }
    } else if (const Rule* rule = std::get_if<Rule>(&change.object)) {
        tables.emplace(rule->family, rule->table);
    }
}

std::vector<std::string> describe_interfaces(const Plan& plan, const Failures& failures) {
    std::map<uint32_t, std::pair<std::string, std::string>> by_ifindex; // name, details
    for (const InterfacePlan& interface : plan.interfaces) {
        auto& [name, details] = by_ifindex[interface.ifindex];
        if (name.empty()) {
            name = interface.name + ": table " + std::to_string(interface.table);
        }
        std::string addresses;
        for (const IpAddress& address : interface.addresses) {
            addresses += (addresses.empty() ? "" : " ") + to_string(address);
        }
        details += std::string(", ") + family_name(interface.family) + " " + addresses +
                   describe_gateway(interface, failures);
    }
    std::vector<std::string> lines;
    for (const auto& [ifindex, line] : by_ifindex) {
        lines.push_back(line.first + line.second);
    }
    return lines;
}

std::vector<std::string> find_unmatched_gateways(const PlanOptions& options,
                                                 const Snapshot& snapshot, const Plan& plan) {
    std::vector<std::string> warnings;
    for (const GatewayOption& option : options.gateways) {
        std::string gateway = to_string(option.gateway);
        if (option.subnet && !contains_managed_address(plan, *option.subnet)) {
            std::string subnet = to_string(*option.subnet);
            warnings.push_back("--gateway '" + subnet + "=" + gateway +
                               "' matches no managed address yet; it applies when an address "
                               "in " + subnet + " appears");
        } else if (!option.subnet && !names_link(snapshot, option.interface)) {
            warnings.push_back("--gateway '" + option.interface + "=" + gateway +
                               "' names no existing interface yet; it applies when an "
                               "interface " + option.interface + " appears");
        }
    }
    return warnings;
}

std::vector<std::string> find_unmatched_excludes(const PlanOptions& options,
                                                 const Snapshot& snapshot) {
    std::vector<std::string> warnings;
    for (const std::string& name : options.exclude) {
        bool glob = name.find_first_of("*?[") != std::string::npos;
        if (!glob && !names_link(snapshot, name)) {
            warnings.push_back("--exclude '" + name + "' names no existing interface; it "
                               "applies when an interface " + name + " appears");
        }
    }
    return warnings;
}

std::string describe_unmanaged(const Plan& plan) {
    if (!plan.interfaces.empty()) {
        return "";
    }
    // The reasons of each interface in the order found, without repeats.
    std::vector<std::pair<std::string, std::string>> reasons; // name, "reason, reason"
    for (const Skip& skip : plan.skips) {
        auto found = std::find_if(reasons.begin(), reasons.end(),
                                  [&](const auto& entry) { return entry.first == skip.name; });
        if (found == reasons.end()) {
            reasons.emplace_back(skip.name, skip.reason);
        } else if (found->second.find(skip.reason) == std::string::npos) {
            found->second += ", " + skip.reason;
        }
    }
    std::string list;
    for (const auto& [name, reason] : reasons) {
        list += (list.empty() ? "" : "; ") + name + " (" + reason + ")";
    }
    if (!plan.errors.empty()) {
        list += (list.empty() ? "" : "; ") + std::string("table conflicts, see the errors");
    }
    return "no interface is managed: " + (list.empty() ? "none found" : list) +
           "; -v logs the details";
}

void log_plan(const Plan& plan, const Snapshot& snapshot, const PlanOptions& options,
              LogMemory& memory) {
    log_new(memory.errors, plan.errors, spdlog::level::err);
    log_new(memory.warnings, plan.warnings, spdlog::level::warn);
    if (spdlog::should_log(spdlog::level::debug)) {
        log_new(memory.skips, describe_skips(plan), spdlog::level::debug);
    }
    std::vector<std::string> unmatched = find_unmatched_gateways(options, snapshot, plan);
    for (std::string& warning : find_unmatched_excludes(options, snapshot)) {
        unmatched.push_back(std::move(warning));
    }
    for (const std::string& warning : unmatched) {
        if (memory.unmatched_options.insert(warning).second) {
            spdlog::warn("{}", warning);
        }
    }
}

void log_interfaces(const Plan& plan, const Failures& failures, LogMemory& memory) {
    // The level is set once at start, so lines not logged now never will be; describing
    // them would cost more than planning did.
    if (!spdlog::should_log(spdlog::level::info)) {
        return;
    }
    log_removed(memory.managed, plan);
    log_new(memory.interface_lines, describe_interfaces(plan, failures), spdlog::level::info);
    std::string unmanaged = describe_unmanaged(plan);
    std::vector<std::string> lines;
    if (!unmanaged.empty()) {
        lines.push_back(unmanaged);
    }
    log_new(memory.unmanaged, lines, spdlog::level::info);
}

} // namespace srinit
