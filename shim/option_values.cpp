#include "shim/option_values.hpp"

#include "netlink/address.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>

namespace srinit {

namespace {

bool equals_ignoring_case(std::string_view text, std::string_view word) {
    return text.size() == word.size() &&
           std::equal(text.begin(), text.end(), word.begin(), [](char left, char right) {
               return std::tolower(static_cast<unsigned char>(left)) == right;
           });
}

bool is_separator(char c) {
    return c == ',' || std::isspace(static_cast<unsigned char>(c));
}

// Linux's dev_valid_name(), plus '=' and ',' which the option syntax uses.
bool is_valid_interface_name(std::string_view name) {
    if (name.empty() || name.size() > 15 || name == "." || name == "..") {
        return false;
    }
    return std::none_of(name.begin(), name.end(), [](char c) {
        return c == '/' || c == ':' || c == '=' || is_separator(c);
    });
}

// Splits "LEFT=RIGHT" at the first '='; nullopt without one.
std::optional<std::pair<std::string_view, std::string_view>> split_pair(std::string_view text) {
    size_t equals = text.find('=');
    if (equals == std::string_view::npos) {
        return std::nullopt;
    }
    return std::make_pair(text.substr(0, equals), text.substr(equals + 1));
}

} // namespace

std::optional<uint64_t> parse_number(std::string_view text, uint64_t min, uint64_t max) {
    // 19 digits always fit in uint64_t, and more are out of any range used here.
    if (text.empty() || text.size() > 19) {
        return std::nullopt;
    }
    uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + uint64_t(c - '0');
    }
    if (value < min || value > max) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parse_bool(std::string_view text) {
    for (const char* word : {"1", "true", "yes"}) {
        if (equals_ignoring_case(text, word)) {
            return true;
        }
    }
    for (const char* word : {"0", "false", "no"}) {
        if (equals_ignoring_case(text, word)) {
            return false;
        }
    }
    return std::nullopt;
}

std::optional<LogLevel> parse_log_level(std::string_view text) {
    if (equals_ignoring_case(text, "error")) {
        return LogLevel::error;
    }
    if (equals_ignoring_case(text, "warn") || equals_ignoring_case(text, "warning")) {
        return LogLevel::warning;
    }
    if (equals_ignoring_case(text, "info")) {
        return LogLevel::info;
    }
    if (equals_ignoring_case(text, "debug")) {
        return LogLevel::debug;
    }
    return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
        ++digits;
    }
    std::string_view unit = text.substr(digits);
    uint64_t scale = 0; // milliseconds per unit
    if (unit.empty() || unit == "s") {
        scale = 1000;
    } else if (unit == "ms") {
        scale = 1;
    } else if (unit == "m") {
        scale = 60 * 1000;
    } else if (unit == "h") {
        scale = 3600 * 1000;
    } else {
        return std::nullopt;
    }

    const uint64_t max = uint64_t(kMaxGrace.count());
    std::optional<uint64_t> count = parse_number(text.substr(0, digits), 0, max);
    if (!count || *count > max / scale) {
        return std::nullopt;
    }
    return std::chrono::milliseconds(*count * scale);
}

std::optional<GatewayOption> parse_gateway(std::string_view text) {
    auto parts = split_pair(text);
    if (!parts) {
        return std::nullopt;
    }
    auto [target, gateway_text] = *parts;
    std::optional<IpAddress> gateway = parse_address(gateway_text);
    if (!gateway) {
        return std::nullopt;
    }

    GatewayOption option;
    option.gateway = *gateway;
    if (target.find('/') != std::string_view::npos) {
        std::optional<Prefix> subnet = parse_prefix(target);
        if (!subnet || subnet->address.family != gateway->family ||
            network_of(subnet->address, subnet->length) != subnet->address) {
            return std::nullopt;
        }
        option.subnet = *subnet;
        return option;
    }
    // An address without a length is a subnet missing its "/LENGTH", not a name.
    if (!is_valid_interface_name(target) || parse_address(target)) {
        return std::nullopt;
    }
    option.interface = std::string(target);
    return option;
}

std::string explain_gateway_error(std::string_view text) {
    auto parts = split_pair(text);
    if (!parts) {
        return "";
    }
    std::optional<Prefix> subnet = parse_prefix(parts->first);
    std::optional<IpAddress> gateway = parse_address(parts->second);
    if (!subnet || !gateway) {
        return "";
    }
    if (subnet->address.family != gateway->family) {
        const char* subnet_family = subnet->address.family == AF_INET6 ? "IPv6" : "IPv4";
        const char* gateway_family = gateway->family == AF_INET6 ? "IPv6" : "IPv4";
        return "the subnet " + to_string(*subnet) + " is " + subnet_family + " and the gateway " +
               to_string(*gateway) + " is " + gateway_family +
               "; subnet and gateway must be of the same family";
    }
    Prefix network{network_of(subnet->address, subnet->length), subnet->length};
    if (network.address != subnet->address) {
        return "the subnet " + to_string(*subnet) + " has host bits set; did you mean " +
               to_string(network) + "?";
    }
    return "";
}

std::optional<std::pair<int, int>> parse_remap(std::string_view text) {
    auto parts = split_pair(text);
    if (!parts) {
        return std::nullopt;
    }
    std::optional<uint64_t> from = parse_number(parts->first, 0, 255);
    std::optional<uint64_t> to = parse_number(parts->second, 0, 255);
    if (!from || !to) {
        return std::nullopt;
    }
    return std::make_pair(int(*from), int(*to));
}

bool is_valid_exclude(std::string_view text) {
    return !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
        return c == '/' || is_separator(c);
    });
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = start;
        while (end < text.size() && !is_separator(text[end])) {
            ++end;
        }
        if (end > start) {
            items.emplace_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return items;
}

const std::vector<std::string> kKnownVariables = {
    "SRINIT_TABLE_BASE",      "SRINIT_RULE_PRIORITY",   "SRINIT_GATEWAYS",
    "SRINIT_EXCLUDE",         "SRINIT_NO_GUESS",        "SRINIT_IPV4_LINK_LOCAL",
    "SRINIT_NO_ROUTING",      "SRINIT_REQUIRE_ROUTING", "SRINIT_DRY_RUN",
    "SRINIT_NO_WATCH",        "SRINIT_HOST_NETWORK",    "SRINIT_LOG_LEVEL",
    "SRINIT_PROCESS_GROUP",   "SRINIT_KEEP_NET_ADMIN",  "SRINIT_REMAP_EXIT",
    "SRINIT_GRACE",           "SRINIT_EVENT_BUFFER",
};

std::string check_variable_names(const std::vector<std::string>& names) {
    std::string unknown;
    size_t count = 0;
    for (const std::string& name : names) {
        bool known = std::find(kKnownVariables.begin(), kKnownVariables.end(), name) !=
                     kKnownVariables.end();
        if (name.rfind("SRINIT_", 0) == 0 && !known) {
            unknown += (unknown.empty() ? "" : ", ") + name;
            ++count;
        }
    }
    if (count == 0) {
        return "";
    }
    std::string known;
    for (const std::string& name : kKnownVariables) {
        known += (known.empty() ? "" : ", ") + name;
    }
    return std::string("ignoring unknown environment ") +
           (count == 1 ? "variable " : "variables ") + unknown +
           "; check the spelling against the known ones: " + known;
}

} // namespace srinit
