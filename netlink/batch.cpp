#include "netlink/batch.hpp"

#include "netlink/message.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string>
#include <sys/socket.h>
#include <sys/uio.h>

namespace srinit {

namespace {

// Bytes of requests per sendto. The kernel handles a whole sendto before it returns, so all
// of its acknowledgements wait in the receive buffer at once, and those that do not fit are
// dropped. Each is charged roughly 1 KiB (an estimate of skb overhead) against a buffer that
// is often 208 KiB (net.core.rmem_default); 8 KiB is about 100 requests, well inside it.
constexpr size_t kBatchBytes = 8192;

// The kernel queues each acknowledgement as a datagram of its own, so they are read up to
// kAckSlots per recvmmsg call instead of one per recvfrom. Each slot receives one datagram.
// An acknowledgement is small, because NETLINK_CAP_ACK leaves out the request, and even with
// the kernel's extended ack text it stays far below kAckSlotSize.
constexpr size_t kAckSlots = 32;
constexpr size_t kAckSlotSize = 2048;

// The requests of one sendto: changes[first, first + sequences.size()).
struct Chunk {
    size_t first = 0;
    std::vector<uint32_t> sequences;
    std::vector<bool> acknowledged;
    size_t pending = 0;
};

bool is_rule(const Change& change) {
    return std::holds_alternative<Rule>(change.object);
}

// The kernel has no replace for rules: without NLM_F_EXCL it adds a second copy. A rule
// replace is therefore sent as an add, and its EEXIST counts as done the same way.
bool is_add(const Change& change) {
    return change.op == Change::Op::add || (change.op == Change::Op::replace && is_rule(change));
}

nlmsghdr* build_change(void* buffer, const Change& change, uint32_t sequence) {
    uint16_t flags = 0;
    if (is_add(change))
        flags = NLM_F_CREATE | NLM_F_EXCL;
    else if (change.op == Change::Op::replace)
        flags = NLM_F_CREATE | NLM_F_REPLACE;
    bool remove = change.op == Change::Op::remove;

    if (const Rule* rule = std::get_if<Rule>(&change.object))
        return build_rule(buffer, remove ? RTM_DELRULE : RTM_NEWRULE, flags, sequence, *rule);
    const Route& route = std::get<Route>(change.object);
    return build_route(buffer, remove ? RTM_DELROUTE : RTM_NEWROUTE, flags, sequence, route);
}

// An add that finds the object present, or a remove that finds it gone, leaves the kernel in
// the requested state. Routes report a missing object with ESRCH, rules with ENOENT.
bool counts_as_done(const Change& change, int error) {
    if (is_add(change))
        return error == EEXIST;
    if (change.op == Change::Op::remove)
        return error == ENOENT || error == ESRCH;
    return false;
}

Error socket_error(const char* call, size_t count) {
    int code = errno;
    return Error{code, std::string(call) + "(rtnetlink batch of " + std::to_string(count) +
                           " changes): " + std::strerror(code)};
}

// Builds requests from changes[first] on into `buffer` until kBatchBytes are used.
size_t fill_chunk(Socket& socket, const std::vector<Change>& changes, size_t first,
                  std::vector<char>& buffer, Chunk& chunk) {
    chunk = Chunk{};
    chunk.first = first;
    size_t used = 0;
    for (size_t i = first; i < changes.size() && used + kMessageBufferSize <= kBatchBytes; ++i) {
        uint32_t sequence = socket.next_sequence();
        used += build_change(buffer.data() + used, changes[i], sequence)->nlmsg_len;
        chunk.sequences.push_back(sequence);
    }
    chunk.acknowledged.assign(chunk.sequences.size(), false);
    chunk.pending = chunk.sequences.size();
    return used;
}

// Records one acknowledgement in `results` if it acknowledges a request of `chunk`. Anything
// else (the reply to an abandoned earlier request) is skipped.
void record(const nlmsghdr* message, uint32_t port, Chunk& chunk,
            std::vector<ChangeResult>& results) {
    if (message->nlmsg_pid != port)
        return;
    auto found = std::find(chunk.sequences.begin(), chunk.sequences.end(), message->nlmsg_seq);
    if (found == chunk.sequences.end())
        return;
    size_t offset = static_cast<size_t>(found - chunk.sequences.begin());
    std::optional<Acknowledgement> ack = parse_acknowledgement(message);
    if (!ack || message->nlmsg_type != NLMSG_ERROR || chunk.acknowledged[offset])
        return;

    ChangeResult& result = results[chunk.first + offset];
    result.error = counts_as_done(result.change, ack->error) ? 0 : ack->error;
    result.extack = ack->extack;
    chunk.acknowledged[offset] = true;
    --chunk.pending;
}

// Buffers for reading acknowledgements with recvmmsg: one slot of kAckSlotSize bytes each.
struct AckSlots {
    AckSlots() : buffer(kAckSlots * kAckSlotSize), vectors(kAckSlots), headers(kAckSlots) {}

    void reset() {
        for (size_t i = 0; i < kAckSlots; ++i) {
            vectors[i] = iovec{buffer.data() + i * kAckSlotSize, kAckSlotSize};
            headers[i] = mmsghdr{};
            headers[i].msg_hdr.msg_iov = &vectors[i];
            headers[i].msg_hdr.msg_iovlen = 1;
        }
    }

    std::vector<char> buffer;
    std::vector<iovec> vectors;
    std::vector<mmsghdr> headers;
};

std::optional<Error> receive_acknowledgements(Socket& socket, Chunk& chunk,
                                              std::vector<ChangeResult>& results) {
    AckSlots slots;
    while (chunk.pending > 0) {
        slots.reset();
        // MSG_WAITFORONE blocks for the first datagram only, then takes what is queued.
        int received =
            recvmmsg(socket.fd(), slots.headers.data(), kAckSlots, MSG_WAITFORONE, nullptr);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0)
            return socket_error("recvmmsg", chunk.sequences.size());
        for (int i = 0; i < received; ++i) {
            // A cut datagram would leave its change without an acknowledgement forever.
            if ((slots.headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
                errno = EMSGSIZE;
                return socket_error("recvmmsg", chunk.sequences.size());
            }
            int remaining = static_cast<int>(slots.headers[i].msg_len);
            const auto* message = static_cast<const nlmsghdr*>(slots.vectors[i].iov_base);
            for (; mnl_nlmsg_ok(message, remaining);
                 message = mnl_nlmsg_next(message, &remaining))
                record(message, socket.port(), chunk, results);
        }
    }
    return std::nullopt;
}

} // namespace

Result<std::vector<ChangeResult>> apply_changes(Socket& socket,
                                                const std::vector<Change>& changes) {
    std::vector<ChangeResult> results;
    results.reserve(changes.size());
    for (const Change& change : changes)
        results.push_back(ChangeResult{change, 0, ""});

    std::vector<char> buffer(kBatchBytes);
    Chunk chunk;
    for (size_t first = 0; first < changes.size(); first += chunk.sequences.size()) {
        size_t length = fill_chunk(socket, changes, first, buffer, chunk);
        if (mnl_socket_sendto(socket.get(), buffer.data(), length) < 0)
            return socket_error("sendto", chunk.sequences.size());
        if (std::optional<Error> error = receive_acknowledgements(socket, chunk, results))
            return *error;
    }
    return results;
}

} // namespace srinit
