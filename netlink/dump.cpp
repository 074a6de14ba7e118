#include "netlink/dump.hpp"

#include "netlink/message.hpp"

#include <cerrno>
#include <cstring>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace srinit {

namespace {

// Attempts per object kind before an interrupted dump counts as failed. Each retry is a new
// dump, which is interrupted again only if the objects change while it runs.
constexpr int kDumpAttempts = 5;

// The kernel fills a dump datagram up to 32 KiB when the reader's buffer is that large, and
// truncates datagrams that do not fit the buffer.
constexpr size_t kDumpBufferSize = 32768;

struct DumpKind {
    uint16_t type;      // RTM_GET*
    size_t header_size; // family header that strict checking requires in the request
    const char* name;   // for error messages
    void (*collect)(const nlmsghdr* message, Snapshot& snapshot);
};

enum class DumpOutcome { complete, interrupted };

void collect_link(const nlmsghdr* message, Snapshot& snapshot) {
    if (std::optional<Link> link = parse_link(message))
        snapshot.links.push_back(std::move(*link));
}

void collect_address(const nlmsghdr* message, Snapshot& snapshot) {
    if (std::optional<Address> address = parse_address(message))
        snapshot.addresses.push_back(*address);
}

void collect_route(const nlmsghdr* message, Snapshot& snapshot) {
    if (std::optional<Route> route = parse_route(message))
        snapshot.routes.push_back(*route);
}

void collect_rule(const nlmsghdr* message, Snapshot& snapshot) {
    if (std::optional<Rule> rule = parse_rule(message))
        snapshot.rules.push_back(std::move(*rule));
}

// Objects of other families (multicast routing tables and rules) and messages the parsers
// reject are left out, so one odd object cannot stop srinit from routing the rest.
const DumpKind kDumpKinds[] = {
    {RTM_GETLINK, sizeof(ifinfomsg), "RTM_GETLINK", collect_link},
    {RTM_GETADDR, sizeof(ifaddrmsg), "RTM_GETADDR", collect_address},
    {RTM_GETROUTE, sizeof(rtmsg), "RTM_GETROUTE", collect_route},
    {RTM_GETRULE, sizeof(fib_rule_hdr), "RTM_GETRULE", collect_rule},
};

Error dump_error(const char* call, const DumpKind& kind, int code, const std::string& extack) {
    std::string message = std::string(call) + "(" + kind.name + " dump): " + std::strerror(code);
    if (!extack.empty())
        message += " (" + extack + ")";
    return Error{code, message};
}

// Sends a dump request for every object of `kind` in both families (AF_UNSPEC) and all tables.
std::optional<Error> send_request(Socket& socket, const DumpKind& kind, uint32_t sequence) {
    alignas(nlmsghdr) char buffer[kMessageBufferSize] = {};
    nlmsghdr* request = mnl_nlmsg_put_header(buffer);
    request->nlmsg_type = kind.type;
    request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request->nlmsg_seq = sequence;
    mnl_nlmsg_put_extra_header(request, kind.header_size);
    // Interface statistics are most of a link message and srinit reads none of them; leaving
    // them out makes the link dump several times smaller.
    if (kind.type == RTM_GETLINK)
        mnl_attr_put_u32(request, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
    if (mnl_socket_sendto(socket.get(), request, request->nlmsg_len) < 0)
        return dump_error("sendto", kind, errno, "");
    return std::nullopt;
}

// One dump in progress: what it asked for and what has come back so far.
struct DumpState {
    explicit DumpState(const DumpKind& dump_kind) : kind(dump_kind) {}

    const DumpKind& kind;
    uint32_t sequence = 0;
    uint32_t port = 0;
    Snapshot part;
    bool interrupted = false; // the kernel flagged the dump as inconsistent
    bool finished = false;    // NLMSG_DONE or an error arrived
};

// Reads the messages of one datagram into `state`.
std::optional<Error> read_datagram(const char* data, int length, DumpState& state) {
    const auto* message = reinterpret_cast<const nlmsghdr*>(data);
    for (; mnl_nlmsg_ok(message, length); message = mnl_nlmsg_next(message, &length)) {
        // Replies to an earlier request that was abandoned midway carry another sequence number.
        if (message->nlmsg_seq != state.sequence || message->nlmsg_pid != state.port)
            continue;
        if ((message->nlmsg_flags & NLM_F_DUMP_INTR) != 0)
            state.interrupted = true;
        if (message->nlmsg_type != NLMSG_DONE && message->nlmsg_type != NLMSG_ERROR) {
            state.kind.collect(message, state.part);
            continue;
        }
        state.finished = true;
        std::optional<Acknowledgement> end = parse_acknowledgement(message);
        if (!end)
            return dump_error("recvfrom", state.kind, EBADMSG, "truncated end of dump");
        if (end->error != 0)
            return dump_error("recvfrom", state.kind, end->error, end->extack);
        return std::nullopt;
    }
    return std::nullopt;
}

Result<DumpOutcome> dump_once(Socket& socket, DumpState& state) {
    state.sequence = socket.next_sequence();
    state.port = socket.port();
    if (std::optional<Error> error = send_request(socket, state.kind, state.sequence))
        return *error;

    // Uninitialized: the kernel writes what is read, and zeroing 32 KiB costs time.
    std::unique_ptr<char[]> buffer(new char[kDumpBufferSize]);
    while (!state.finished) {
        ssize_t length = mnl_socket_recvfrom(socket.get(), buffer.get(), kDumpBufferSize);
        if (length < 0 && errno == EINTR)
            continue;
        if (length < 0) {
            int code = errno;
            return Error{code, std::string("recvfrom(") + state.kind.name +
                                   " dump): " + Socket::describe_error(code)};
        }
        if (std::optional<Error> error =
                read_datagram(buffer.get(), static_cast<int>(length), state))
            return *error;
    }
    return state.interrupted ? DumpOutcome::interrupted : DumpOutcome::complete;
}

void append(Snapshot& snapshot, Snapshot&& part) {
    auto move_all = [](auto& into, auto& from) {
        into.insert(into.end(), std::make_move_iterator(from.begin()),
                    std::make_move_iterator(from.end()));
    };
    move_all(snapshot.links, part.links);
    move_all(snapshot.addresses, part.addresses);
    move_all(snapshot.routes, part.routes);
    move_all(snapshot.rules, part.rules);
}

std::optional<Error> dump_kind(Socket& socket, const DumpKind& kind, Snapshot& snapshot) {
    for (int attempt = 0; attempt < kDumpAttempts; ++attempt) {
        DumpState state(kind);
        Result<DumpOutcome> outcome = dump_once(socket, state);
        if (!outcome) {
            socket.discard_pending();
            return outcome.error();
        }
        if (*outcome == DumpOutcome::complete) {
            append(snapshot, std::move(state.part));
            return std::nullopt;
        }
        ++snapshot.interrupted_dumps;
    }
    std::string message = std::string(kind.name) + " dump interrupted by concurrent changes " +
                          std::to_string(kDumpAttempts) + " times in a row; try again later";
    return Error{EAGAIN, message};
}

} // namespace

Result<Snapshot> dump_snapshot(Socket& socket) {
    Snapshot snapshot;
    for (const DumpKind& kind : kDumpKinds)
        if (std::optional<Error> error = dump_kind(socket, kind, snapshot))
            return *error;
    return snapshot;
}

} // namespace srinit
