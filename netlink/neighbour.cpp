#include "netlink/neighbour.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

namespace srinit {

namespace {

std::string request_error(const char* request, const IpAddress& gateway, int error) {
    return std::string(request) + " for " + to_string(gateway) + " failed: " +
           std::strerror(error);
}

// A dump that the kernel rejects ends with NLMSG_DONE carrying the negated errno, which
// libmnl's own NLMSG_DONE handling would take for success.
int check_done(const nlmsghdr* message, void*) {
    if (mnl_nlmsg_get_payload_len(message) >= sizeof(int)) {
        int error = *static_cast<const int*>(mnl_nlmsg_get_payload(message));
        if (error < 0) {
            errno = -error;
            return MNL_CB_ERROR;
        }
    }
    return MNL_CB_STOP;
}

// libmnl skips its own handling of every control message type covered by a control
// callback array, so the acknowledgement needs a handler here too.
int check_acknowledgement(const nlmsghdr* message, void*) {
    if (mnl_nlmsg_get_payload_len(message) < sizeof(nlmsgerr)) {
        errno = EBADMSG;
        return MNL_CB_ERROR;
    }
    auto* acknowledgement = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(message));
    if (acknowledgement->error == 0)
        return MNL_CB_STOP;
    errno = -acknowledgement->error;
    return MNL_CB_ERROR;
}

// Sends `message` and reads replies until the acknowledgement or the end of the dump,
// passing each data message to `callback`. Returns 0, or the errno of the failure.
int run_request(Socket& socket, nlmsghdr* message, mnl_cb_t callback, void* data) {
    if (mnl_socket_sendto(socket.get(), message, message->nlmsg_len) < 0)
        return errno;

    // NLMSG_NOOP and NLMSG_OVERRUN have no entry and are skipped.
    mnl_cb_t control_callbacks[NLMSG_MIN_TYPE] = {};
    control_callbacks[NLMSG_ERROR] = check_acknowledgement;
    control_callbacks[NLMSG_DONE] = check_done;

    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    for (;;) {
        ssize_t length = mnl_socket_recvfrom(socket.get(), buffer.data(), buffer.size());
        int status = MNL_CB_ERROR;
        if (length >= 0)
            status = mnl_cb_run2(buffer.data(), size_t(length), message->nlmsg_seq,
                                 socket.port(), callback, data, control_callbacks,
                                 NLMSG_MIN_TYPE);
        if (status == MNL_CB_ERROR) {
            int error = errno;
            socket.discard_pending();
            return error;
        }
        if (status == MNL_CB_STOP)
            return 0;
    }
}

struct Lookup {
    uint32_t ifindex;
    IpAddress gateway;
    NeighbourState state = NeighbourState::failed;
    uint16_t entry_state = 0; // ndm_state of the entry being parsed
};

int match_destination(const nlattr* attribute, void* data) {
    auto* lookup = static_cast<Lookup*>(data);
    size_t size = lookup->gateway.size();
    if (mnl_attr_get_type(attribute) != NDA_DST || mnl_attr_get_payload_len(attribute) != size)
        return MNL_CB_OK;
    if (std::memcmp(mnl_attr_get_payload(attribute), lookup->gateway.bytes.data(), size) == 0)
        lookup->state = classify_neighbour(lookup->entry_state);
    return MNL_CB_OK;
}

int match_neighbour(const nlmsghdr* message, void* data) {
    auto* lookup = static_cast<Lookup*>(data);
    if (message->nlmsg_type != RTM_NEWNEIGH || message->nlmsg_len < NLMSG_LENGTH(sizeof(ndmsg)))
        return MNL_CB_OK;
    auto* header = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(message));
    if (uint32_t(header->ndm_ifindex) != lookup->ifindex ||
        header->ndm_family != lookup->gateway.family)
        return MNL_CB_OK;

    lookup->entry_state = header->ndm_state;
    mnl_attr_parse(message, sizeof(ndmsg), match_destination, lookup);
    return MNL_CB_OK;
}

nlmsghdr* put_neighbour_header(char* buffer, uint16_t type, uint16_t flags, uint32_t sequence,
                               uint32_t ifindex, uint8_t family) {
    nlmsghdr* message = mnl_nlmsg_put_header(buffer);
    message->nlmsg_type = type;
    message->nlmsg_flags = NLM_F_REQUEST | flags;
    message->nlmsg_seq = sequence;

    auto* header = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(message, sizeof(ndmsg)));
    header->ndm_family = family;
    header->ndm_ifindex = int(ifindex);
    header->ndm_state = NUD_NONE;
    header->ndm_flags = 0;
    header->ndm_type = 0;
    return message;
}

} // namespace

NeighbourState classify_neighbour(uint16_t nud_state) {
    if ((nud_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT |
                      NUD_NOARP)) != 0)
        return NeighbourState::answered;
    if ((nud_state & NUD_INCOMPLETE) != 0)
        return NeighbourState::pending;
    return NeighbourState::failed;
}

Result<int> probe_neighbour(Socket& socket, uint32_t ifindex, const IpAddress& gateway) {
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr* message = put_neighbour_header(buffer.data(), RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_ACK,
                                             socket.next_sequence(), ifindex, gateway.family);
    static_cast<ndmsg*>(mnl_nlmsg_get_payload(message))->ndm_flags = NTF_USE;
    mnl_attr_put(message, NDA_DST, gateway.size(), gateway.bytes.data());

    if (int error = run_request(socket, message, nullptr, nullptr); error != 0)
        return Error{error, request_error("RTM_NEWNEIGH (NTF_USE)", gateway, error)};
    return 0;
}

Result<NeighbourState> read_neighbour(Socket& socket, uint32_t ifindex,
                                      const IpAddress& gateway) {
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    // With strict checking the kernel filters the dump by NDA_IFINDEX and rejects a dump
    // request with ndm_ifindex set. Older kernels send every entry, and match_neighbour
    // filters them.
    nlmsghdr* message = put_neighbour_header(buffer.data(), RTM_GETNEIGH, NLM_F_DUMP,
                                             socket.next_sequence(), 0, gateway.family);
    mnl_attr_put_u32(message, NDA_IFINDEX, ifindex);
    Lookup lookup{ifindex, gateway};
    if (int error = run_request(socket, message, match_neighbour, &lookup); error != 0)
        return Error{error, request_error("RTM_GETNEIGH", gateway, error)};
    return lookup.state;
}

bool GuessCheck::probe_new(Socket& socket, const Plan& plan) {
    std::set<std::pair<uint32_t, IpAddress>> guessed;
    for (const InterfacePlan& interface : plan.interfaces) {
        if (interface.gateway_source == GatewaySource::first_host)
            guessed.insert({interface.ifindex, interface.gateway});
    }
    auto dropped = [&](const InterfacePlan& interface) {
        return guessed.count({interface.ifindex, interface.gateway}) == 0;
    };
    m_unchecked.erase(std::remove_if(m_unchecked.begin(), m_unchecked.end(), dropped),
                      m_unchecked.end());

    for (const InterfacePlan& interface : plan.interfaces) {
        if (interface.gateway_source != GatewaySource::first_host)
            continue;
        if (!m_probed.insert({interface.ifindex, interface.gateway}).second)
            continue;
        if (probe_neighbour(socket, interface.ifindex, interface.gateway))
            m_unchecked.push_back(interface);
    }
    return !m_unchecked.empty();
}

bool GuessCheck::probe_silent(Socket& socket) {
    m_reprobed.clear();
    for (const auto& [key, interface] : m_silent) {
        if (probe_neighbour(socket, interface.ifindex, interface.gateway))
            m_reprobed.push_back(interface);
    }
    return !m_reprobed.empty() || !m_unchecked.empty();
}

std::vector<std::string> GuessCheck::check(Socket& socket, bool& again,
                                           std::vector<std::string>& recovered) {
    std::vector<std::string> warnings;
    std::vector<InterfacePlan> resolving;
    for (const InterfacePlan& interface : m_unchecked) {
        Result<NeighbourState> state = read_neighbour(socket, interface.ifindex, interface.gateway);
        if (!state || *state == NeighbourState::answered)
            continue;
        if (*state == NeighbourState::pending) {
            resolving.push_back(interface);
            continue;
        }
        const char* protocol = interface.family == AF_INET6 ? "neighbour solicitation" : "ARP";
        m_silent.emplace(GuessKey{interface.ifindex, interface.gateway}, interface);
        warnings.push_back(interface.name + ": no reply to " + protocol +
                           " from the guessed gateway " + to_string(interface.gateway) +
                           " (first host of its subnet), so that default route is withdrawn");
    }
    m_unchecked = std::move(resolving);

    // A silent guess counts as recovered only on a reply; still resolving or failed, it
    // stays silent until the next network change probes it again.
    for (const InterfacePlan& interface : m_reprobed) {
        Result<NeighbourState> state = read_neighbour(socket, interface.ifindex, interface.gateway);
        if (!state || *state != NeighbourState::answered)
            continue;
        m_silent.erase(GuessKey{interface.ifindex, interface.gateway});
        recovered.push_back(interface.name + ": the guessed gateway " +
                            to_string(interface.gateway) + " replies now, so its default "
                            "route is restored");
    }
    m_reprobed.clear();
    again = !m_unchecked.empty();
    return warnings;
}

std::set<std::pair<uint32_t, IpAddress>> GuessCheck::silent() const {
    std::set<GuessKey> keys;
    for (const auto& [key, interface] : m_silent)
        keys.insert(key);
    return keys;
}

} // namespace srinit
