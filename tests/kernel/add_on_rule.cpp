// Test helper: waits until an IPv4 rule appears in this network namespace, then adds an
// address at once, so that the address arrives while srinit is still starting: after its
// first dump, before it subscribes to network events.
//
//   add_on_rule IFNAME ADDRESS PREFIX_LENGTH READY_FILE
//
// READY_FILE is created once the helper listens. Exits 0 when the kernel accepted the
// address, 1 with a message otherwise.
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int fail(const char* call) {
    std::fprintf(stderr, "add_on_rule: %s failed: %s\n", call, std::strerror(errno));
    return 1;
}

// Opens a route netlink socket, subscribed to IPv4 rule changes.
int open_rule_listener() {
    int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -1;
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    local.nl_groups = RTMGRP_IPV4_RULE;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) < 0)
        return -1;
    return fd;
}

// Reads datagrams until `done` returns true for one of their messages.
template <class Done>
bool read_until(int fd, Done done) {
    alignas(nlmsghdr) char buffer[16384];
    for (;;) {
        ssize_t length = ::recv(fd, buffer, sizeof buffer, 0);
        if (length < 0 && errno == EINTR)
            continue;
        if (length < 0)
            return false;
        int remaining = static_cast<int>(length);
        for (auto* message = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(message, remaining);
             message = NLMSG_NEXT(message, remaining))
            if (done(message))
                return true;
    }
}

struct AddressRequest {
    nlmsghdr header;
    ifaddrmsg address;
    rtattr local_attribute;
    in_addr local;
    rtattr address_attribute;
    in_addr peer;
};

// Sends RTM_NEWADDR for ADDRESS/PREFIX_LENGTH on `ifindex` and reads the kernel's reply.
bool add_address(int fd, unsigned ifindex, in_addr address, unsigned char prefix_length) {
    AddressRequest request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = RTM_NEWADDR;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    request.header.nlmsg_seq = 1;
    request.address.ifa_family = AF_INET;
    request.address.ifa_prefixlen = prefix_length;
    request.address.ifa_index = ifindex;
    request.local_attribute = {RTA_LENGTH(sizeof(in_addr)), IFA_LOCAL};
    request.local = address;
    request.address_attribute = {RTA_LENGTH(sizeof(in_addr)), IFA_ADDRESS};
    request.peer = address;
    if (::send(fd, &request, sizeof request, 0) < 0)
        return false;

    // Rule notifications may be queued before the reply.
    int error = 0;
    auto is_reply = [&error](const nlmsghdr* message) {
        if (message->nlmsg_type != NLMSG_ERROR || message->nlmsg_seq != 1)
            return false;
        error = -static_cast<const nlmsgerr*>(NLMSG_DATA(message))->error;
        return true;
    };
    if (!read_until(fd, is_reply))
        return false;
    errno = error;
    return error == 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: add_on_rule IFNAME ADDRESS PREFIX_LENGTH READY_FILE\n");
        return 2;
    }
    unsigned ifindex = if_nametoindex(argv[1]);
    in_addr address{};
    if (ifindex == 0 || inet_pton(AF_INET, argv[2], &address) != 1) {
        std::fprintf(stderr, "add_on_rule: no interface %s or invalid IPv4 address %s\n",
                     argv[1], argv[2]);
        return 2;
    }
    int fd = open_rule_listener();
    if (fd < 0)
        return fail("socket or bind");
    if (FILE* ready = std::fopen(argv[4], "w"))
        std::fclose(ready);
    auto is_new_rule = [](const nlmsghdr* message) { return message->nlmsg_type == RTM_NEWRULE; };
    if (!read_until(fd, is_new_rule))
        return fail("recv");
    if (!add_address(fd, ifindex, address, static_cast<unsigned char>(std::atoi(argv[3]))))
        return fail("RTM_NEWADDR");
    return 0;
}
