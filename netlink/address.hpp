// IP addresses and prefixes as the kernel stores them, with parsing and formatting.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace srinit {

// An IPv4 or IPv6 address in network byte order. IPv4 uses the first 4 bytes.
struct IpAddress {
    uint8_t family = 0; // AF_INET or AF_INET6; 0 means unset
    std::array<uint8_t, 16> bytes{};

    size_t size() const { return family == 10 /* AF_INET6 */ ? 16 : 4; }
    bool is_set() const { return family != 0; }
    bool operator==(const IpAddress& other) const;
    bool operator!=(const IpAddress& other) const { return !(*this == other); }
    bool operator<(const IpAddress& other) const;
};

// An address with a prefix length, such as 198.18.0.0/24 or fd00:1::/64.
struct Prefix {
    IpAddress address;
    uint8_t length = 0;

    bool operator==(const Prefix& other) const;
    bool operator!=(const Prefix& other) const { return !(*this == other); }
};

// Parses "198.18.0.1" or "fd00::1"; nullopt when the text is neither.
std::optional<IpAddress> parse_address(std::string_view text);

// Parses "198.18.0.0/24" or "fd00::/64"; nullopt when malformed or the length is out of range.
// Host bits are kept as written; use network_of() to clear them.
std::optional<Prefix> parse_prefix(std::string_view text);

// Formats as inet_ntop does; "" for an unset address.
std::string to_string(const IpAddress& address);
std::string to_string(const Prefix& prefix);

// Clears the host bits of `address` beyond `length`.
IpAddress network_of(const IpAddress& address, uint8_t length);

// Tells whether `address` lies inside `prefix` (same family, same leading bits).
bool contains(const Prefix& prefix, const IpAddress& address);

// Returns the first host of a prefix (network + 1), or nullopt for /31, /32, /127 and /128.
std::optional<IpAddress> first_host(const Prefix& prefix);

// Link-local: 169.254.0.0/16 for IPv4, fe80::/10 for IPv6.
bool is_link_local(const IpAddress& address);

} // namespace srinit
