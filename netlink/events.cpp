#include "netlink/events.hpp"

#include "netlink/address.hpp"
#include "netlink/objects.hpp"

#include <cerrno>
#include <cstring>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

namespace srinit {

namespace {

// Groups with an RTMGRP_* bit are joined at bind time; IPv6 rules have no such bit, so
// that group is joined with NETLINK_ADD_MEMBERSHIP.
constexpr uint32_t kBindGroups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE |
                                 RTMGRP_IPV4_RULE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE;
constexpr unsigned kMembershipGroups[] = {RTNLGRP_IPV6_RULE};

// One datagram carries one notification; 32 KiB fits the largest RTM_NEWLINK seen in
// practice. A longer one is truncated and counted as relevant without being parsed.
constexpr size_t kReceiveSize = 32 << 10;

std::string error_text(const char* call, int error) {
    return std::string(call) + " on the netlink event socket failed: " + std::strerror(error);
}

const void* family_header(const nlmsghdr* message, size_t size) {
    if (message->nlmsg_len < NLMSG_LENGTH(size))
        return nullptr;
    return NLMSG_DATA(message);
}

struct AttributeTable {
    const nlattr** tb;
    uint16_t max;
};

int store_attribute(const nlattr* attribute, void* data) {
    auto* table = static_cast<AttributeTable*>(data);
    uint16_t type = mnl_attr_get_type(attribute);
    if (type < table->max)
        table->tb[type] = attribute;
    return MNL_CB_OK;
}

// Collects the attributes of `message` after a family header of `size` bytes into `tb`,
// indexed by type; types at or above `max` are skipped.
void collect_attributes(const nlmsghdr* message, size_t size, const nlattr** tb, uint16_t max) {
    AttributeTable table{tb, max};
    mnl_attr_parse(message, unsigned(size), store_attribute, &table);
}

IpAddress address_from(const nlattr* attribute, uint8_t family) {
    IpAddress address;
    size_t size = family == AF_INET6 ? 16 : 4;
    if (attribute == nullptr || mnl_attr_get_payload_len(attribute) != size)
        return address;
    address.family = family;
    std::memcpy(address.bytes.data(), mnl_attr_get_payload(attribute), size);
    return address;
}

bool is_relevant_address(const nlmsghdr* message) {
    auto* header = static_cast<const ifaddrmsg*>(family_header(message, sizeof(ifaddrmsg)));
    if (header == nullptr)
        return false;
    if (header->ifa_scope == RT_SCOPE_HOST)
        return false;
    // IPv6 link-local addresses are never managed. IPv4 ones are (with an option), so
    // their changes stay relevant.
    return !(header->ifa_family == AF_INET6 && header->ifa_scope == RT_SCOPE_LINK);
}

uint32_t route_table(const nlmsghdr* message, const rtmsg* header) {
    const nlattr* tb[RTA_MAX + 1] = {};
    collect_attributes(message, sizeof(rtmsg), tb, RTA_MAX + 1);
    if (tb[RTA_TABLE] != nullptr && mnl_attr_validate(tb[RTA_TABLE], MNL_TYPE_U32) == 0)
        return mnl_attr_get_u32(tb[RTA_TABLE]);
    return header->rtm_table;
}

bool is_relevant_route(const nlmsghdr* message) {
    auto* header = static_cast<const rtmsg*>(family_header(message, sizeof(rtmsg)));
    if (header == nullptr)
        return false;
    if ((header->rtm_flags & RTM_F_CLONED) != 0)
        return false;
    if (message->nlmsg_type == RTM_NEWROUTE && header->rtm_protocol == kProtocol)
        return false;
    return route_table(message, header) != RT_TABLE_LOCAL;
}

bool is_relevant_rule(const nlmsghdr* message) {
    if (family_header(message, sizeof(fib_rule_hdr)) == nullptr)
        return false;
    if (message->nlmsg_type == RTM_DELRULE)
        return true;
    const nlattr* tb[FRA_MAX + 1] = {};
    collect_attributes(message, sizeof(fib_rule_hdr), tb, FRA_MAX + 1);
    const nlattr* protocol = tb[FRA_PROTOCOL];
    return protocol == nullptr || mnl_attr_validate(protocol, MNL_TYPE_U8) != 0 ||
           mnl_attr_get_u8(protocol) != kProtocol;
}

std::string describe_address(const nlmsghdr* message) {
    auto* header = static_cast<const ifaddrmsg*>(family_header(message, sizeof(ifaddrmsg)));
    if (header == nullptr)
        return "";
    const nlattr* tb[IFA_MAX + 1] = {};
    collect_attributes(message, sizeof(ifaddrmsg), tb, IFA_MAX + 1);
    IpAddress local =
        address_from(tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS], header->ifa_family);
    return " ifindex " + std::to_string(header->ifa_index) + " " +
           to_string(Prefix{local, header->ifa_prefixlen});
}

std::string describe_route(const nlmsghdr* message) {
    auto* header = static_cast<const rtmsg*>(family_header(message, sizeof(rtmsg)));
    if (header == nullptr)
        return "";
    const nlattr* tb[RTA_MAX + 1] = {};
    collect_attributes(message, sizeof(rtmsg), tb, RTA_MAX + 1);
    IpAddress dst = address_from(tb[RTA_DST], header->rtm_family);
    std::string text = dst.is_set() ? to_string(Prefix{dst, header->rtm_dst_len}) : "default";
    return " " + text + " table " + std::to_string(route_table(message, header)) + " proto " +
           std::to_string(header->rtm_protocol);
}

const char* type_name(uint16_t type) {
    switch (type) {
    case RTM_NEWLINK:
        return "RTM_NEWLINK";
    case RTM_DELLINK:
        return "RTM_DELLINK";
    case RTM_NEWADDR:
        return "RTM_NEWADDR";
    case RTM_DELADDR:
        return "RTM_DELADDR";
    case RTM_NEWROUTE:
        return "RTM_NEWROUTE";
    case RTM_DELROUTE:
        return "RTM_DELROUTE";
    case RTM_NEWRULE:
        return "RTM_NEWRULE";
    case RTM_DELRULE:
        return "RTM_DELRULE";
    default:
        return nullptr;
    }
}

Result<int> join_groups(Socket& socket) {
    for (unsigned group : kMembershipGroups) {
        if (setsockopt(socket.fd(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0)
            return Error{errno, error_text("setsockopt(NETLINK_ADD_MEMBERSHIP)", errno)};
    }
    return 0;
}

// SO_RCVBUFFORCE ignores net.core.rmem_max but needs CAP_NET_ADMIN; without it SO_RCVBUF
// still gets up to rmem_max, which is enough for the bursts of an ordinary attach.
Result<int> set_receive_buffer(int fd, int size) {
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0)
        return 0;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) == 0)
        return 0;
    return Error{errno, error_text("setsockopt(SO_RCVBUF)", errno)};
}

void count_messages(const char* data, size_t length, EventRead& read) {
    int remaining = int(length);
    for (auto* message = reinterpret_cast<const nlmsghdr*>(data); mnl_nlmsg_ok(message, remaining);
         message = mnl_nlmsg_next(message, &remaining)) {
        ++read.messages;
        if (!is_relevant_event(message))
            continue;
        if (read.relevant == 0)
            read.first_relevant = describe_event(message);
        ++read.relevant;
    }
}

} // namespace

bool is_relevant_event(const nlmsghdr* message) {
    if (message->nlmsg_len < sizeof(nlmsghdr))
        return false;
    switch (message->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK: {
        // Bridge port notifications (AF_BRIDGE) share the link group but change no address.
        auto* header = static_cast<const ifinfomsg*>(family_header(message, sizeof(ifinfomsg)));
        return header != nullptr && header->ifi_family != AF_BRIDGE;
    }
    case RTM_NEWADDR:
    case RTM_DELADDR:
        return is_relevant_address(message);
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
        return is_relevant_route(message);
    case RTM_NEWRULE:
    case RTM_DELRULE:
        return is_relevant_rule(message);
    default:
        return false;
    }
}

std::string describe_event(const nlmsghdr* message) {
    const char* name = type_name(message->nlmsg_type);
    if (name == nullptr)
        return "message type " + std::to_string(message->nlmsg_type);

    std::string text = name;
    switch (message->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK: {
        auto* header = static_cast<const ifinfomsg*>(family_header(message, sizeof(ifinfomsg)));
        if (header != nullptr)
            text += " ifindex " + std::to_string(header->ifi_index);
        break;
    }
    case RTM_NEWADDR:
    case RTM_DELADDR:
        text += describe_address(message);
        break;
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
        text += describe_route(message);
        break;
    }
    return text;
}

EventSocket::EventSocket(Socket socket) : m_socket(std::move(socket)), m_buffer(kReceiveSize) {}

Result<EventSocket> EventSocket::open(int receive_buffer) {
    Result<Socket> socket = Socket::open(kBindGroups);
    if (!socket)
        return socket.error();
    if (Result<int> joined = join_groups(*socket); !joined)
        return joined.error();
    if (Result<int> sized = set_receive_buffer(socket->fd(), receive_buffer); !sized)
        return sized.error();
    return EventSocket(std::move(*socket));
}

int EventSocket::receive_buffer() const {
    int size = 0;
    socklen_t length = sizeof(size);
    if (getsockopt(fd(), SOL_SOCKET, SO_RCVBUF, &size, &length) < 0)
        return 0;
    return size;
}

Result<EventRead> EventSocket::read_pending(size_t max_datagrams) {
    EventRead read;
    for (size_t datagrams = 0; datagrams < max_datagrams; ++datagrams) {
        sockaddr_nl sender = {};
        iovec vector = {m_buffer.data(), m_buffer.size()};
        msghdr header = {};
        header.msg_name = &sender;
        header.msg_namelen = sizeof(sender);
        header.msg_iov = &vector;
        header.msg_iovlen = 1;

        ssize_t length = recvmsg(fd(), &header, MSG_DONTWAIT);
        if (length < 0 && errno == EINTR)
            continue;
        if (length < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return read;
        // ENOBUFS: the receive queue overflowed and the kernel dropped notifications. The
        // socket stays usable and what is still queued is read on.
        if (length < 0 && errno == ENOBUFS) {
            ++read.overflows;
            continue;
        }
        if (length < 0)
            return Error{errno, error_text("recvmsg", errno)};

        // Only the kernel (port 0) sends rtnetlink notifications.
        if (sender.nl_pid != 0)
            continue;
        if ((header.msg_flags & MSG_TRUNC) != 0) {
            ++read.messages;
            ++read.relevant;
            continue;
        }
        count_messages(m_buffer.data(), size_t(length), read);
    }
    read.more = true;
    return read;
}

} // namespace srinit
