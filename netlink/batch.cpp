#include "netlink/batch.hpp"

#include "netlink/message.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <string>
#include <sys/socket.h>
#include <sys/uio.h>

namespace srinit {

namespace {

// Bytes of requests per sendto. The kernel handles a whole sendto before it returns, so
// every reply to it waits in the receive buffer at once, and replies that do not fit are
// dropped. Each is charged roughly 1 KiB (an estimate of skb overhead) against a buffer that
// is often 208 KiB (net.core.rmem_default); 8 KiB is about 100 requests, well inside it even
// if every one of them fails.
constexpr size_t kBatchBytes = 8192;

// Replies are read up to kReplySlots per recvmmsg call, one datagram per slot. A reply is
// small, because NETLINK_CAP_ACK leaves out the request, and even with the kernel's extended
// ack text it stays far below kReplySlotSize.
constexpr size_t kReplySlots = 16;
constexpr size_t kReplySlotSize = 1024;

// The requests of one sendto: changes[first, first + sequences.size()). Only the last sets
// NLM_F_ACK. The kernel replies to a request without it only when the request fails. It
// handles the requests of one sendto in order, so the reply to the last one comes after
// every error reply before it. A request without an error reply therefore succeeded.
// Leaving out the other acknowledgements cut a batch of 98 changes from about 470 to 330
// microseconds (bench/README.md).
struct Chunk {
    size_t first = 0;
    std::vector<uint32_t> sequences;
    bool last_answered = false;
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
                           " changes): " + Socket::describe_error(code)};
}

// Builds requests from changes[first] on into `buffer` until kBatchBytes are used.
size_t fill_chunk(Socket& socket, const std::vector<Change>& changes, size_t first,
                  std::vector<char>& buffer, Chunk& chunk) {
    chunk = Chunk{};
    chunk.first = first;
    size_t used = 0;
    nlmsghdr* last = nullptr;
    for (size_t i = first; i < changes.size() && used + kMessageBufferSize <= kBatchBytes; ++i) {
        uint32_t sequence = socket.next_sequence();
        last = build_change(buffer.data() + used, changes[i], sequence);
        last->nlmsg_flags &= ~NLM_F_ACK;
        used += last->nlmsg_len;
        chunk.sequences.push_back(sequence);
    }
    if (last != nullptr)
        last->nlmsg_flags |= NLM_F_ACK;
    return used;
}

// Records one reply in `results` if it is the reply to a request of `chunk`. Anything else
// (the reply to an abandoned earlier request) is skipped. Returns false for a reply to one
// of the chunk's requests that cannot be read: its change may have failed.
bool record(const nlmsghdr* message, uint32_t port, Chunk& chunk,
            std::vector<ChangeResult>& results) {
    if (message->nlmsg_pid != port || message->nlmsg_type != NLMSG_ERROR)
        return true;
    auto found = std::find(chunk.sequences.begin(), chunk.sequences.end(), message->nlmsg_seq);
    if (found == chunk.sequences.end())
        return true;
    std::optional<Acknowledgement> ack = parse_acknowledgement(message);
    if (!ack)
        return false;

    size_t offset = static_cast<size_t>(found - chunk.sequences.begin());
    ChangeResult& result = results[chunk.first + offset];
    result.error = counts_as_done(result.change, ack->error) ? 0 : ack->error;
    result.extack = ack->extack;
    if (offset + 1 == chunk.sequences.size())
        chunk.last_answered = true;
    return true;
}

// Buffers for reading replies with recvmmsg: one slot of kReplySlotSize bytes each. The
// buffer is left uninitialized, because zeroing it would be wasted work.
struct ReplySlots {
    void reset() {
        for (size_t i = 0; i < kReplySlots; ++i) {
            vectors[i] = iovec{buffer.get() + i * kReplySlotSize, kReplySlotSize};
            headers[i] = mmsghdr{};
            headers[i].msg_hdr.msg_iov = &vectors[i];
            headers[i].msg_hdr.msg_iovlen = 1;
        }
    }

    std::unique_ptr<char[]> buffer{new char[kReplySlots * kReplySlotSize]};
    std::array<iovec, kReplySlots> vectors{};
    std::array<mmsghdr, kReplySlots> headers{};
};

std::optional<Error> receive_replies(Socket& socket, Chunk& chunk,
                                     std::vector<ChangeResult>& results) {
    ReplySlots slots;
    while (!chunk.last_answered) {
        slots.reset();
        // MSG_WAITFORONE blocks for the first datagram only, then takes what is queued.
        int received =
            recvmmsg(socket.fd(), slots.headers.data(), kReplySlots, MSG_WAITFORONE, nullptr);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0)
            return socket_error("recvmmsg", chunk.sequences.size());
        for (int i = 0; i < received; ++i) {
            // A cut datagram may have been the only report of a failed change.
            if ((slots.headers[i].msg_hdr.msg_flags & MSG_TRUNC) != 0) {
                errno = EMSGSIZE;
                return socket_error("recvmmsg", chunk.sequences.size());
            }
            int remaining = static_cast<int>(slots.headers[i].msg_len);
            const auto* message = static_cast<const nlmsghdr*>(slots.vectors[i].iov_base);
            for (; mnl_nlmsg_ok(message, remaining);
                 message = mnl_nlmsg_next(message, &remaining)) {
                if (!record(message, socket.port(), chunk, results)) {
                    errno = EBADMSG;
                    return socket_error("recvmmsg", chunk.sequences.size());
                }
            }
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
        if (std::optional<Error> error = receive_replies(socket, chunk, results)) {
            socket.discard_pending();
            return *error;
        }
    }
    return results;
}

} // namespace srinit
