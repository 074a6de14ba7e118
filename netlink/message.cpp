#include "netlink/message.hpp"

#include <array>
#include <cstring>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

namespace srinit {

namespace {

nlmsghdr* put_request_header(void* buffer, uint16_t type, uint16_t flags, uint32_t sequence) {
    std::memset(buffer, 0, kMessageBufferSize);
    nlmsghdr* message = mnl_nlmsg_put_header(buffer);
    message->nlmsg_type = type;
    message->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    message->nlmsg_seq = sequence;
    return message;
}

// Tables from 256 on do not fit the u8 header field, so the kernel then reads RTA_TABLE or
// FRA_TABLE, which is sent in every case.
uint8_t header_table(uint32_t table) {
    return table < 256 ? static_cast<uint8_t>(table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
}

void put_address(nlmsghdr* message, uint16_t type, const IpAddress& address) {
    mnl_attr_put(message, type, address.size(), address.bytes.data());
}

void put_interface_name(nlmsghdr* message, uint16_t type, const std::string& name) {
    if (name.size() < IFNAMSIZ) {
        mnl_attr_put_strz(message, type, name.c_str());
        return;
    }
    // Cut without its terminator, so the kernel's length check rejects the name.
    mnl_attr_put(message, type, IFNAMSIZ, name.data());
}

// A known attribute type and how mnl_attr_validate checks it.
struct AttributeSpec {
    uint16_t type;
    mnl_attr_data_type data_type;
};

// The known attributes of one message, indexed by type. Unknown types are left out.
struct Attributes {
    static constexpr size_t kMaxType = 31;
    std::array<const nlattr*, kMaxType + 1> table{};
    const AttributeSpec* specs = nullptr;
    size_t spec_count = 0;

    const nlattr* get(uint16_t type) const { return type <= kMaxType ? table[type] : nullptr; }
};

bool collect_attribute(const nlattr* attribute, Attributes& attributes) {
    uint16_t type = mnl_attr_get_type(attribute);
    for (size_t i = 0; i < attributes.spec_count; ++i) {
        const AttributeSpec& spec = attributes.specs[i];
        if (spec.type != type)
            continue;
        if (type > Attributes::kMaxType || mnl_attr_validate(attribute, spec.data_type) < 0)
            return false;
        attributes.table[type] = attribute;
        return true;
    }
    return true;
}

// Collects the attributes between `begin` and `end`. mnl_attr_parse stops quietly at a
// truncated attribute, but this fails instead, so a cut message is not read as a shorter one.
bool collect_range(const void* begin, const void* end, Attributes& attributes) {
    const char* tail = static_cast<const char*>(end);
    const auto* attribute = static_cast<const nlattr*>(begin);
    while (
        mnl_attr_ok(attribute, static_cast<int>(tail - reinterpret_cast<const char*>(attribute)))) {
        if (!collect_attribute(attribute, attributes))
            return false;
        attribute = mnl_attr_next(attribute);
    }
    return reinterpret_cast<const char*>(attribute) >= tail;
}

template <size_t N>
std::optional<Attributes> parse_attributes(const nlmsghdr* message, size_t header_size,
                                           const AttributeSpec (&specs)[N]) {
    Attributes attributes;
    attributes.specs = specs;
    attributes.spec_count = N;
    if (!collect_range(mnl_nlmsg_get_payload_offset(message, header_size),
                       mnl_nlmsg_get_payload_tail(message), attributes))
        return std::nullopt;
    return attributes;
}

// Returns the family header of a message of type `new_type` or `new_type + 1` (the RTM_DEL*
// that follows each RTM_NEW*), or nullptr when the type differs or the header is truncated.
template <class Header>
const Header* family_header(const nlmsghdr* message, uint16_t new_type) {
    if (message->nlmsg_len < sizeof(nlmsghdr) + sizeof(Header))
        return nullptr;
    if (message->nlmsg_type != new_type && message->nlmsg_type != new_type + 1)
        return nullptr;
    return static_cast<const Header*>(mnl_nlmsg_get_payload(message));
}

// The kernel's value for a rule without suppress_prefixlength.
constexpr uint32_t kSuppressUnset = 0xffffffff;

bool is_ip_family(uint8_t family) {
    return family == AF_INET || family == AF_INET6;
}

size_t address_size(uint8_t family) {
    return family == AF_INET6 ? 16 : 4;
}

// Reads an address attribute into `address`. Returns false when its length does not fit
// `family`, and true when the attribute is absent.
bool read_address(const nlattr* attribute, uint8_t family, IpAddress& address) {
    if (attribute == nullptr)
        return true;
    if (mnl_attr_get_payload_len(attribute) != address_size(family))
        return false;
    address.family = family;
    std::memcpy(address.bytes.data(), mnl_attr_get_payload(attribute), address_size(family));
    return true;
}

// Reads a prefix of `family` and `length`. The address stays all zeros without the attribute,
// because the kernel leaves out the address of a /0. Returns nullopt when the length or the
// address size does not fit the family.
std::optional<Prefix> read_prefix(const nlattr* attribute, uint8_t family, uint8_t length) {
    Prefix prefix;
    prefix.address.family = family;
    prefix.length = length;
    if (length > address_size(family) * 8 || !read_address(attribute, family, prefix.address))
        return std::nullopt;
    return prefix;
}

uint32_t read_u32(const nlattr* attribute, uint32_t fallback) {
    return attribute != nullptr ? mnl_attr_get_u32(attribute) : fallback;
}

std::string read_string(const nlattr* attribute) {
    return attribute != nullptr ? mnl_attr_get_str(attribute) : "";
}

std::string read_link_kind(const nlattr* link_info) {
    static const AttributeSpec kInfoSpecs[] = {{IFLA_INFO_KIND, MNL_TYPE_NUL_STRING}};
    if (link_info == nullptr)
        return "";
    Attributes nested;
    nested.specs = kInfoSpecs;
    nested.spec_count = 1;
    const char* payload = static_cast<const char*>(mnl_attr_get_payload(link_info));
    if (!collect_range(payload, payload + mnl_attr_get_payload_len(link_info), nested))
        return "";
    return read_string(nested.get(IFLA_INFO_KIND));
}

} // namespace

nlmsghdr* build_route(void* buffer, uint16_t type, uint16_t flags, uint32_t sequence,
                      const Route& route) {
    nlmsghdr* message = put_request_header(buffer, type, flags, sequence);
    auto* header = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(message, sizeof(rtmsg)));
    header->rtm_family = route.family;
    header->rtm_dst_len = route.dst.length;
    header->rtm_src_len = 0;
    header->rtm_tos = route.tos;
    header->rtm_table = header_table(route.table);
    header->rtm_protocol = route.protocol;
    header->rtm_scope = route.scope;
    header->rtm_type = route.type;
    header->rtm_flags = route.flags & RTNH_F_ONLINK;

    mnl_attr_put_u32(message, RTA_TABLE, route.table);
    if (route.dst.length > 0)
        put_address(message, RTA_DST, route.dst.address);
    if (route.gateway.is_set())
        put_address(message, RTA_GATEWAY, route.gateway);
    if (route.prefsrc.is_set())
        put_address(message, RTA_PREFSRC, route.prefsrc);
    if (route.oif != 0)
        mnl_attr_put_u32(message, RTA_OIF, route.oif);
    mnl_attr_put_u32(message, RTA_PRIORITY, route.priority);
    return message;
}

nlmsghdr* build_rule(void* buffer, uint16_t type, uint16_t flags, uint32_t sequence,
                     const Rule& rule) {
    nlmsghdr* message = put_request_header(buffer, type, flags, sequence);
    auto* header =
        static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(message, sizeof(fib_rule_hdr)));
    header->family = rule.family;
    header->dst_len = 0;
    header->src_len = rule.src.length;
    header->tos = 0;
    header->table = header_table(rule.table);
    header->res1 = 0;
    header->res2 = 0;
    header->action = rule.action;
    header->flags = 0;

    mnl_attr_put_u32(message, FRA_TABLE, rule.table);
    mnl_attr_put_u32(message, FRA_PRIORITY, rule.priority);
    mnl_attr_put_u8(message, FRA_PROTOCOL, rule.protocol);
    if (rule.src.length > 0)
        put_address(message, FRA_SRC, rule.src.address);
    if (rule.suppress_prefixlength)
        mnl_attr_put_u32(message, FRA_SUPPRESS_PREFIXLEN, *rule.suppress_prefixlength);
    if (!rule.iifname.empty())
        put_interface_name(message, FRA_IIFNAME, rule.iifname);
    if (!rule.oifname.empty())
        put_interface_name(message, FRA_OIFNAME, rule.oifname);
    if (rule.fwmark != 0)
        mnl_attr_put_u32(message, FRA_FWMARK, rule.fwmark);
    return message;
}

std::optional<Link> parse_link(const nlmsghdr* message) {
    static const AttributeSpec kSpecs[] = {{IFLA_IFNAME, MNL_TYPE_NUL_STRING},
                                           {IFLA_LINKINFO, MNL_TYPE_NESTED}};
    const auto* header = family_header<ifinfomsg>(message, RTM_NEWLINK);
    if (header == nullptr)
        return std::nullopt;
    auto attributes = parse_attributes(message, sizeof(ifinfomsg), kSpecs);
    if (!attributes)
        return std::nullopt;

    Link link;
    link.ifindex = static_cast<uint32_t>(header->ifi_index);
    link.flags = header->ifi_flags;
    link.name = read_string(attributes->get(IFLA_IFNAME));
    link.kind = read_link_kind(attributes->get(IFLA_LINKINFO));
    return link;
}

std::optional<Address> parse_address(const nlmsghdr* message) {
    static const AttributeSpec kSpecs[] = {
        {IFA_ADDRESS, MNL_TYPE_BINARY}, {IFA_LOCAL, MNL_TYPE_BINARY}, {IFA_FLAGS, MNL_TYPE_U32}};
    const auto* header = family_header<ifaddrmsg>(message, RTM_NEWADDR);
    if (header == nullptr || !is_ip_family(header->ifa_family))
        return std::nullopt;
    auto attributes = parse_attributes(message, sizeof(ifaddrmsg), kSpecs);
    if (!attributes)
        return std::nullopt;

    // IFA_LOCAL is the interface's own address. IFA_ADDRESS is the peer on point-to-point
    // links and equals IFA_LOCAL elsewhere. IPv6 sends only IFA_ADDRESS.
    const nlattr* local = attributes->get(IFA_LOCAL);
    if (local == nullptr)
        local = attributes->get(IFA_ADDRESS);
    Address address;
    if (local == nullptr || !read_address(local, header->ifa_family, address.local))
        return std::nullopt;
    address.ifindex = header->ifa_index;
    address.prefixlen = header->ifa_prefixlen;
    address.scope = header->ifa_scope;
    address.flags = read_u32(attributes->get(IFA_FLAGS), header->ifa_flags);
    return address;
}

std::optional<Route> parse_route(const nlmsghdr* message) {
    static const AttributeSpec kSpecs[] = {
        {RTA_DST, MNL_TYPE_BINARY}, {RTA_GATEWAY, MNL_TYPE_BINARY}, {RTA_PREFSRC, MNL_TYPE_BINARY},
        {RTA_OIF, MNL_TYPE_U32},    {RTA_PRIORITY, MNL_TYPE_U32},   {RTA_TABLE, MNL_TYPE_U32}};
    const auto* header = family_header<rtmsg>(message, RTM_NEWROUTE);
    if (header == nullptr || !is_ip_family(header->rtm_family))
        return std::nullopt;
    auto attributes = parse_attributes(message, sizeof(rtmsg), kSpecs);
    if (!attributes)
        return std::nullopt;

    Route route;
    route.family = header->rtm_family;
    route.table = read_u32(attributes->get(RTA_TABLE), header->rtm_table);
    route.protocol = header->rtm_protocol;
    route.scope = header->rtm_scope;
    route.type = header->rtm_type;
    route.tos = header->rtm_tos;
    route.flags = header->rtm_flags;
    route.oif = read_u32(attributes->get(RTA_OIF), 0);
    route.priority = read_u32(attributes->get(RTA_PRIORITY), 0);
    std::optional<Prefix> dst =
        read_prefix(attributes->get(RTA_DST), route.family, header->rtm_dst_len);
    if (!dst || !read_address(attributes->get(RTA_GATEWAY), route.family, route.gateway) ||
        !read_address(attributes->get(RTA_PREFSRC), route.family, route.prefsrc))
        return std::nullopt;
    route.dst = *dst;
    return route;
}

std::optional<Rule> parse_rule(const nlmsghdr* message) {
    static const AttributeSpec kSpecs[] = {
        {FRA_SRC, MNL_TYPE_BINARY},         {FRA_PRIORITY, MNL_TYPE_U32},
        {FRA_TABLE, MNL_TYPE_U32},          {FRA_PROTOCOL, MNL_TYPE_U8},
        {FRA_IIFNAME, MNL_TYPE_NUL_STRING}, {FRA_OIFNAME, MNL_TYPE_NUL_STRING},
        {FRA_FWMARK, MNL_TYPE_U32},         {FRA_SUPPRESS_PREFIXLEN, MNL_TYPE_U32}};
    const auto* header = family_header<fib_rule_hdr>(message, RTM_NEWRULE);
    if (header == nullptr || !is_ip_family(header->family))
        return std::nullopt;
    auto attributes = parse_attributes(message, sizeof(fib_rule_hdr), kSpecs);
    if (!attributes)
        return std::nullopt;

    Rule rule;
    rule.family = header->family;
    rule.table = read_u32(attributes->get(FRA_TABLE), header->table);
    rule.action = header->action;
    rule.priority = read_u32(attributes->get(FRA_PRIORITY), 0);
    if (const nlattr* protocol = attributes->get(FRA_PROTOCOL))
        rule.protocol = mnl_attr_get_u8(protocol);
    // Kernels report FRA_SUPPRESS_PREFIXLEN on every rule, with -1 (as u32) meaning unset.
    const nlattr* suppress = attributes->get(FRA_SUPPRESS_PREFIXLEN);
    if (suppress != nullptr && mnl_attr_get_u32(suppress) != kSuppressUnset)
        rule.suppress_prefixlength = mnl_attr_get_u32(suppress);
    rule.iifname = read_string(attributes->get(FRA_IIFNAME));
    rule.oifname = read_string(attributes->get(FRA_OIFNAME));
    rule.fwmark = read_u32(attributes->get(FRA_FWMARK), 0);
    std::optional<Prefix> src = read_prefix(attributes->get(FRA_SRC), rule.family, header->src_len);
    if (!src)
        return std::nullopt;
    rule.src = *src;
    return rule;
}

std::optional<Acknowledgement> parse_acknowledgement(const nlmsghdr* message) {
    static const AttributeSpec kSpecs[] = {{NLMSGERR_ATTR_MSG, MNL_TYPE_NUL_STRING}};
    if (message->nlmsg_type != NLMSG_ERROR && message->nlmsg_type != NLMSG_DONE)
        return std::nullopt;
    if (message->nlmsg_len < sizeof(nlmsghdr) + sizeof(int))
        return std::nullopt;
    size_t payload = mnl_nlmsg_get_payload_len(message);

    Acknowledgement acknowledgement;
    int error = 0;
    std::memcpy(&error, mnl_nlmsg_get_payload(message), sizeof(error));
    acknowledgement.error = -error;

    // Extended ack attributes follow the error code in NLMSG_DONE, and in NLMSG_ERROR the
    // echoed request: its header alone when capped, else the whole request.
    size_t offset = sizeof(int);
    if (message->nlmsg_type == NLMSG_ERROR) {
        if (payload < sizeof(nlmsgerr))
            return std::nullopt;
        const auto* echoed = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(message));
        offset = (message->nlmsg_flags & NLM_F_CAPPED) != 0
                     ? sizeof(nlmsgerr)
                     : sizeof(int) + MNL_ALIGN(echoed->msg.nlmsg_len);
        if (offset > payload)
            return std::nullopt;
    }
    if ((message->nlmsg_flags & NLM_F_ACK_TLVS) == 0)
        return acknowledgement;
    auto attributes = parse_attributes(message, offset, kSpecs);
    if (attributes)
        acknowledgement.extack = read_string(attributes->get(NLMSGERR_ATTR_MSG));
    return acknowledgement;
}

} // namespace srinit
