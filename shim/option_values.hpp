// Parsers for the values of srinit's options, shared by the command line and the SRINIT_*
// environment variables. Each returns nullopt (or false) for malformed or out of range text.
// The caller then names the option and the expected form, one of the k*Form strings.
#pragma once

#include "netlink/plan.hpp"
#include "shim/options.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace srinit {

struct NumberRange {
    uint64_t min = 0;
    uint64_t max = 0;
    uint32_t fallback = 0; // the value when neither flag nor variable is given
    const char* form = ""; // the expected form, for the error message
};

// Table base: from 256 up, no table_base + ifindex (ifindex >= 1) is 253-255 (the kernel's
// default, main and local tables). Up to 2^31 - 1, the sum fits in a u32 table id for every
// ifindex (a positive int in the kernel).
inline constexpr NumberRange kTableBaseRange{256, 2147483647, 1000,
                                             "a number from 256 to 2147483647, such as 1000"};

// Rule priority B: above the local table's rule at 0, and B + 1 below main's rule at 32766.
inline constexpr NumberRange kRulePriorityRange{1, 32764, 1000,
                                                "a number from 1 to 32764, such as 1000"};

inline constexpr const char* kBoolForm = "1, 0, true, false, yes or no";
inline constexpr const char* kLogLevelForm = "error, warn (or warning), info or debug";
inline constexpr const char* kGatewayForm =
    "NAME=ADDRESS or SUBNET=ADDRESS, such as eth1=198.18.1.254 or 198.18.1.0/24=198.18.1.254";
inline constexpr const char* kExcludeForm = "an interface name or glob, such as eth2 or veth*";
inline constexpr const char* kRemapForm =
    "FROM=TO with exit statuses from 0 to 255, such as 143=0";
inline constexpr const char* kDurationForm =
    "a duration up to 24h such as 500ms, 5s, 1m or 1h, or a number of seconds";

// The longest --grace accepted.
inline constexpr std::chrono::milliseconds kMaxGrace = std::chrono::hours(24);

// Decimal digits only (no sign, no spaces), within [min, max].
std::optional<uint64_t> parse_number(std::string_view text, uint64_t min, uint64_t max);

// 1, 0, true, false, yes, no, in any case.
std::optional<bool> parse_bool(std::string_view text);

// error, warn, warning, info, debug, in any case.
std::optional<LogLevel> parse_log_level(std::string_view text);

// A whole number with an optional unit: ms, s, m or h; no unit means seconds. At most
// kMaxGrace.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// "eth1=198.18.1.254" or "198.18.1.0/24=198.18.1.254". The subnet must have no host bits set
// and be of the gateway's family. A name must be valid as Linux takes it: 1 to 15 bytes,
// not "." or "..", without '/', ':', '=', ',' or whitespace, and not an address.
std::optional<GatewayOption> parse_gateway(std::string_view text);

// The reason parse_gateway() rejects `text` when its subnet has host bits set ("... did you
// mean 198.18.2.0/24?") or another family than its gateway; "" for any other text.
std::string explain_gateway_error(std::string_view text);

// "FROM=TO", both from 0 to 255.
std::optional<std::pair<int, int>> parse_remap(std::string_view text);

// An interface name or fnmatch(3) glob: not empty, without '/', ',' or whitespace.
bool is_valid_exclude(std::string_view text);

// Splits an environment variable's list at commas and whitespace, dropping empty items.
std::vector<std::string> split_list(std::string_view text);

// The SRINIT_* environment variables that srinit reads.
extern const std::vector<std::string> kKnownVariables;

// Checks environment variable names, such as those of environ(7), for SRINIT_* names that
// srinit does not read. Returns a warning naming them and the known ones, "" when none.
std::string check_variable_names(const std::vector<std::string>& names);

} // namespace srinit
