#include "netlink/address.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cstring>
#include <sys/socket.h>

namespace srinit {

bool IpAddress::operator==(const IpAddress& other) const {
    return family == other.family && std::memcmp(bytes.data(), other.bytes.data(), size()) == 0;
}

bool IpAddress::operator<(const IpAddress& other) const {
    if (family != other.family)
        return family < other.family;
    return std::memcmp(bytes.data(), other.bytes.data(), size()) < 0;
}

bool Prefix::operator==(const Prefix& other) const {
    return length == other.length && address == other.address;
}

std::optional<IpAddress> parse_address(std::string_view text) {
    // inet_pton needs a terminated string; addresses are short, so a copy is cheap.
    std::string copy(text);
    IpAddress address;
    if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) {
        address.family = AF_INET;
        return address;
    }
    if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) {
        address.family = AF_INET6;
        return address;
    }
    return std::nullopt;
}

std::optional<Prefix> parse_prefix(std::string_view text) {
    size_t slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    std::optional<IpAddress> address = parse_address(text.substr(0, slash));
    std::string_view digits = text.substr(slash + 1);
    if (!address || digits.empty() || digits.size() > 3)
        return std::nullopt;

    unsigned length = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        length = length * 10 + unsigned(c - '0');
    }
    if (length > address->size() * 8)
        return std::nullopt;
    return Prefix{*address, uint8_t(length)};
}

std::string to_string(const IpAddress& address) {
    if (!address.is_set())
        return "";
    char text[INET6_ADDRSTRLEN] = "";
    inet_ntop(address.family, address.bytes.data(), text, sizeof(text));
    return text;
}

std::string to_string(const Prefix& prefix) {
    return to_string(prefix.address) + "/" + std::to_string(prefix.length);
}

IpAddress network_of(const IpAddress& address, uint8_t length) {
    IpAddress network = address;
    size_t whole = std::min<size_t>(length / 8, network.size()); // bytes kept as they are
    if (whole < network.size() && length % 8 != 0)
        network.bytes[whole++] &= uint8_t(0xff00u >> (length % 8));
    for (size_t byte = whole; byte < network.size(); ++byte)
        network.bytes[byte] = 0;
    return network;
}

bool contains(const Prefix& prefix, const IpAddress& address) {
    if (prefix.address.family != address.family)
        return false;
    return network_of(prefix.address, prefix.length) == network_of(address, prefix.length);
}

std::optional<IpAddress> first_host(const Prefix& prefix) {
    size_t bits = prefix.address.size() * 8;
    if (size_t(prefix.length) + 1 >= bits)
        return std::nullopt;
    IpAddress host = network_of(prefix.address, prefix.length);
    host.bytes[host.size() - 1] |= 1;
    return host;
}

bool is_link_local(const IpAddress& address) {
    if (address.family == AF_INET)
        return address.bytes[0] == 169 && address.bytes[1] == 254;
    if (address.family == AF_INET6)
        return address.bytes[0] == 0xfe && (address.bytes[1] & 0xc0) == 0x80;
    return false;
}

} // namespace srinit
