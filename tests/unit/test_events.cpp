#include "netlink/events.hpp"
#include "netlink/neighbour.hpp"
#include "netlink/objects.hpp"
#include "shim/watcher.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <vector>

using namespace srinit;

namespace {

// A notification as the kernel sends it, built in a buffer the test owns.
class Notification {
  public:
    explicit Notification(uint16_t type) : m_buffer(MNL_SOCKET_BUFFER_SIZE) {
        m_message = mnl_nlmsg_put_header(m_buffer.data());
        m_message->nlmsg_type = type;
    }

    template <class Header>
    Header* put_header() {
        return static_cast<Header*>(mnl_nlmsg_put_extra_header(m_message, sizeof(Header)));
    }

    nlmsghdr* get() { return m_message; }

  private:
    std::vector<char> m_buffer;
    nlmsghdr* m_message;
};

Notification address_event(uint16_t type, uint8_t family, const char* text, uint8_t length,
                           uint8_t scope) {
    Notification notification(type);
    auto* header = notification.put_header<ifaddrmsg>();
    header->ifa_family = family;
    header->ifa_prefixlen = length;
    header->ifa_scope = scope;
    header->ifa_index = 5;
    unsigned char bytes[16] = {};
    inet_pton(family, text, bytes);
    mnl_attr_put(notification.get(), IFA_LOCAL, family == AF_INET ? 4 : 16, bytes);
    return notification;
}

Notification route_event(uint16_t type, uint32_t table, uint8_t protocol, uint32_t flags = 0) {
    Notification notification(type);
    auto* header = notification.put_header<rtmsg>();
    header->rtm_family = AF_INET;
    header->rtm_table = table < 256 ? uint8_t(table) : uint8_t(RT_TABLE_UNSPEC);
    header->rtm_protocol = protocol;
    header->rtm_flags = flags;
    mnl_attr_put_u32(notification.get(), RTA_TABLE, table);
    return notification;
}

Notification rule_event(uint16_t type, uint8_t protocol) {
    Notification notification(type);
    auto* header = notification.put_header<fib_rule_hdr>();
    header->family = AF_INET;
    header->action = FR_ACT_TO_TBL;
    mnl_attr_put_u32(notification.get(), FRA_TABLE, 1005);
    mnl_attr_put_u8(notification.get(), FRA_PROTOCOL, protocol);
    return notification;
}

Notification link_event(uint16_t type, uint8_t family) {
    Notification notification(type);
    auto* header = notification.put_header<ifinfomsg>();
    header->ifi_family = family;
    header->ifi_index = 7;
    return notification;
}

} // namespace

TEST_SUITE("events") {
    TEST_CASE("address of a network is relevant") {
        Notification added = address_event(RTM_NEWADDR, AF_INET, "198.18.1.2", 24,
                                           RT_SCOPE_UNIVERSE);
        Notification removed = address_event(RTM_DELADDR, AF_INET6, "fd00:1::2", 64,
                                             RT_SCOPE_UNIVERSE);
        CHECK(is_relevant_event(added.get()));
        CHECK(is_relevant_event(removed.get()));
    }

    TEST_CASE("loopback and link-local addresses are noise") {
        Notification loopback = address_event(RTM_NEWADDR, AF_INET, "127.0.0.1", 8,
                                              RT_SCOPE_HOST);
        Notification link_local = address_event(RTM_NEWADDR, AF_INET6, "fe80::1", 64,
                                                RT_SCOPE_LINK);
        CHECK_FALSE(is_relevant_event(loopback.get()));
        CHECK_FALSE(is_relevant_event(link_local.get()));
    }

    TEST_CASE("IPv4 link-local address is relevant") {
        Notification link_local = address_event(RTM_NEWADDR, AF_INET, "169.254.3.4", 16,
                                                RT_SCOPE_LINK);
        CHECK(is_relevant_event(link_local.get()));
    }

    TEST_CASE("main and high table routes are relevant") {
        Notification main = route_event(RTM_NEWROUTE, RT_TABLE_MAIN, RTPROT_BOOT);
        Notification high = route_event(RTM_DELROUTE, 1005, RTPROT_STATIC);
        CHECK(is_relevant_event(main.get()));
        CHECK(is_relevant_event(high.get()));
    }

    TEST_CASE("local table and cloned routes are noise") {
        Notification local = route_event(RTM_NEWROUTE, RT_TABLE_LOCAL, RTPROT_KERNEL);
        Notification cloned = route_event(RTM_NEWROUTE, RT_TABLE_MAIN, RTPROT_KERNEL,
                                          RTM_F_CLONED);
        CHECK_FALSE(is_relevant_event(local.get()));
        CHECK_FALSE(is_relevant_event(cloned.get()));
    }

    TEST_CASE("own new route is noise, own deleted route is relevant") {
        Notification added = route_event(RTM_NEWROUTE, 1005, kProtocol);
        Notification removed = route_event(RTM_DELROUTE, 1005, kProtocol);
        CHECK_FALSE(is_relevant_event(added.get()));
        CHECK(is_relevant_event(removed.get()));
    }

    TEST_CASE("own new rule is noise, other rules are relevant") {
        Notification own = rule_event(RTM_NEWRULE, kProtocol);
        Notification other = rule_event(RTM_NEWRULE, RTPROT_STATIC);
        Notification removed = rule_event(RTM_DELRULE, kProtocol);
        CHECK_FALSE(is_relevant_event(own.get()));
        CHECK(is_relevant_event(other.get()));
        CHECK(is_relevant_event(removed.get()));
    }

    TEST_CASE("link is relevant, bridge port is noise") {
        Notification link = link_event(RTM_NEWLINK, AF_UNSPEC);
        Notification port = link_event(RTM_NEWLINK, AF_BRIDGE);
        CHECK(is_relevant_event(link.get()));
        CHECK_FALSE(is_relevant_event(port.get()));
    }

    TEST_CASE("truncated and unknown messages are noise") {
        Notification truncated(RTM_NEWADDR);
        Notification neighbour(RTM_NEWNEIGH);
        neighbour.put_header<ndmsg>();
        CHECK_FALSE(is_relevant_event(truncated.get()));
        CHECK_FALSE(is_relevant_event(neighbour.get()));
    }

    TEST_CASE("describe names type, ifindex and prefix") {
        Notification added = address_event(RTM_NEWADDR, AF_INET, "198.18.1.2", 24,
                                           RT_SCOPE_UNIVERSE);
        Notification link = link_event(RTM_DELLINK, AF_UNSPEC);
        CHECK(describe_event(added.get()) == "RTM_NEWADDR ifindex 5 198.18.1.2/24");
        CHECK(describe_event(link.get()) == "RTM_DELLINK ifindex 7");
    }

    TEST_CASE("describe names route table and protocol") {
        Notification route = route_event(RTM_DELROUTE, 1005, kProtocol);
        CHECK(describe_event(route.get()) == "RTM_DELROUTE default table 1005 proto 83");
    }

    TEST_CASE("describe unknown type by number") {
        Notification neighbour(RTM_NEWNEIGH);
        CHECK(describe_event(neighbour.get()) == "message type 28");
    }
}

TEST_SUITE("debounce") {
    using std::chrono::milliseconds;
    const DebounceClock::time_point start{};
    const DebounceTimes times{milliseconds(20), milliseconds(200)};

    TEST_CASE("single event settles after quiet period") {
        CHECK(settle_time(start, start, times) == start + milliseconds(20));
    }

    TEST_CASE("later event pushes settle time back") {
        CHECK(settle_time(start, start + milliseconds(15), times) == start + milliseconds(35));
    }

    TEST_CASE("steady stream settles at max delay") {
        CHECK(settle_time(start, start + milliseconds(190), times) == start + milliseconds(200));
        CHECK(settle_time(start, start + milliseconds(500), times) == start + milliseconds(200));
    }
}

TEST_SUITE("neighbour") {
    TEST_CASE("resolved states count as answered") {
        CHECK(classify_neighbour(NUD_REACHABLE) == NeighbourState::answered);
        CHECK(classify_neighbour(NUD_STALE) == NeighbourState::answered);
        CHECK(classify_neighbour(NUD_DELAY) == NeighbourState::answered);
        CHECK(classify_neighbour(NUD_PROBE) == NeighbourState::answered);
        CHECK(classify_neighbour(NUD_PERMANENT) == NeighbourState::answered);
        CHECK(classify_neighbour(NUD_NOARP) == NeighbourState::answered);
    }

    TEST_CASE("incomplete is pending") {
        CHECK(classify_neighbour(NUD_INCOMPLETE) == NeighbourState::pending);
    }

    TEST_CASE("failed and none count as failed") {
        CHECK(classify_neighbour(NUD_FAILED) == NeighbourState::failed);
        CHECK(classify_neighbour(NUD_NONE) == NeighbourState::failed);
    }
}
