// Kernel tests for dumps that the kernel flags with NLM_F_DUMP_INTR, each in a network namespace
// of its own (netns_child.hpp). Thousands of addresses make the address dump span several
// datagrams, and a thread with a socket of its own adds and deletes other addresses meanwhile.
#include "netlink/dump.hpp"
#include "netlink/message.hpp"
#include "tests/unit/netns_child.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <doctest/doctest.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <optional>
#include <set>
#include <string>
#include <thread>

using namespace srinit;
using namespace srinit::testing;

namespace {

using Clock = std::chrono::steady_clock;

// 198.19.0.1 and up: addresses that stay on the device while a test runs.
constexpr uint32_t kStableBase = 0xC6130001;
constexpr unsigned kStableCount = 3000;
// 198.18.200.1 and up: addresses that the churn thread adds and deletes again.
constexpr uint32_t kChurnBase = 0xC612C801;
constexpr unsigned kChurnCount = 16;
// Time a test waits for the dump outcome it checks before it fails.
constexpr auto kPatience = std::chrono::seconds(3);
// Shortest pause of the churn thread after each pair of changes, in microseconds. The thread
// must sleep, because when it shares a CPU with the dump only its wakeup preempts the dump
// between two datagrams. A thread that never sleeps gets the CPU at the next scheduler tick
// (4 ms at HZ=250), and by then the address dump has finished.
constexpr unsigned kMinPauseUs = 10;

// Adds (RTM_NEWADDR) or deletes (RTM_DELADDR) `address`/32, in host byte order, on `ifindex`
// and waits for the acknowledgement. Returns its errno, 0 when done.
int change_address(Socket& socket, uint16_t type, uint32_t address, uint32_t ifindex) {
    alignas(nlmsghdr) char buffer[kMessageBufferSize] = {};
    nlmsghdr* request = mnl_nlmsg_put_header(buffer);
    request->nlmsg_type = type;
    request->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    if (type == RTM_NEWADDR)
        request->nlmsg_flags |= NLM_F_CREATE | NLM_F_EXCL;
    request->nlmsg_seq = socket.next_sequence();
    auto* header = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(request, sizeof(ifaddrmsg)));
    header->ifa_family = AF_INET;
    header->ifa_prefixlen = 32;
    header->ifa_scope = RT_SCOPE_UNIVERSE;
    header->ifa_index = ifindex;
    mnl_attr_put_u32(request, IFA_LOCAL, htonl(address));
    mnl_attr_put_u32(request, IFA_ADDRESS, htonl(address));
    if (mnl_socket_sendto(socket.get(), request, request->nlmsg_len) < 0)
        return errno;

    alignas(nlmsghdr) char reply[MNL_SOCKET_BUFFER_SIZE];
    ssize_t length = mnl_socket_recvfrom(socket.get(), reply, sizeof(reply));
    if (length < 0)
        return errno;
    std::optional<Acknowledgement> acknowledgement =
        parse_acknowledgement(reinterpret_cast<const nlmsghdr*>(reply));
    return acknowledgement ? acknowledgement->error : EBADMSG;
}

bool add_stable_addresses(Socket& socket) {
    uint32_t ifindex = if_nametoindex(kDevice);
    for (unsigned i = 0; i < kStableCount; ++i) {
        if (int error = change_address(socket, RTM_NEWADDR, kStableBase + i, ifindex)) {
            std::fprintf(stderr, "RTM_NEWADDR of stable address %u of %u on %s failed: %s\n", i + 1,
                         kStableCount, kDevice, std::strerror(error));
            return false;
        }
    }
    return true;
}

// Addresses of `snapshot` in [base, base + count), in host byte order.
struct AddressCount {
    unsigned listed = 0; // every listing, repeats included
    std::set<uint32_t> distinct;
};

AddressCount count_addresses(const Snapshot& snapshot, uint32_t base, unsigned count) {
    AddressCount result;
    for (const Address& address : snapshot.addresses) {
        if (address.local.family != AF_INET)
            continue;
        uint32_t value = 0;
        std::memcpy(&value, address.local.bytes.data(), sizeof(value));
        value = ntohl(value);
        if (value >= base && value - base < count) {
            ++result.listed;
            result.distinct.insert(value);
        }
    }
    return result;
}

// A thread that adds and deletes the churn addresses on a socket of its own, with a pause of
// pause() microseconds after each pair, until stop(). Each address it adds is deleted before
// it looks at the stop flag again, so none is left behind.
class Churn {
  public:
    explicit Churn(unsigned pause_us) : m_pause_us(pause_us), m_thread([this] { run(); }) {}
    ~Churn() { stop(); }

    void set_pause(unsigned pause_us) { m_pause_us = pause_us; }
    unsigned pause() const { return m_pause_us; }
    unsigned long changes() const { return m_changes; }

    // Stops and joins the thread. Returns the errno of the change that failed, 0 when none.
    int stop() {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
        return m_error;
    }

  private:
    void run() {
        Result<Socket> socket = Socket::open();
        if (!socket) {
            m_error = socket.error().code;
            return;
        }
        uint32_t ifindex = if_nametoindex(kDevice);
        for (unsigned i = 0; !m_stop; ++i) {
            uint32_t address = kChurnBase + i % kChurnCount;
            int error = change_address(*socket, RTM_NEWADDR, address, ifindex);
            if (error == 0)
                error = change_address(*socket, RTM_DELADDR, address, ifindex);
            if (error != 0) {
                m_error = error;
                return;
            }
            m_changes += 2;
            std::this_thread::sleep_for(std::chrono::microseconds(m_pause_us.load()));
        }
    }

    std::atomic<unsigned> m_pause_us;
    std::atomic<bool> m_stop{false};
    std::atomic<unsigned long> m_changes{0};
    std::atomic<int> m_error{0};
    std::thread m_thread;
};

// Tells whether `snapshot` lists every stable address exactly once and no churn address more
// than once, as a dump that no concurrent change disturbed does.
bool lists_each_address_once(const Snapshot& snapshot) {
    AddressCount stable = count_addresses(snapshot, kStableBase, kStableCount);
    AddressCount churn = count_addresses(snapshot, kChurnBase, kChurnCount);
    if (stable.listed == kStableCount && stable.distinct.size() == kStableCount &&
        churn.listed == churn.distinct.size())
        return true;
    std::fprintf(stderr,
                 "snapshot lists %u stable addresses (%zu distinct, %u expected) and %u "
                 "churn addresses (%zu distinct)\n",
                 stable.listed, stable.distinct.size(), kStableCount, churn.listed,
                 churn.distinct.size());
    return false;
}

} // namespace

TEST_SUITE("netlink kernel") {

    TEST_CASE("interrupted dump is retried") {
        run_in_namespace([](Socket& socket) {
            // A dump that fits one datagram is never flagged, because the kernel reads the
            // generation counter once per datagram and flags a message only when the counter
            // differs from the previous datagram's (nl_dump_check_consistent).
            Result<Snapshot> quiet = dump_snapshot(socket);
            EXPECT(quiet.ok());
            EXPECT(quiet->interrupted_dumps == 0);
            EXPECT(add_stable_addresses(socket));

            // A retried dump needs churn that interrupts some dumps but not 5 in a row. How much
            // churn that takes depends on the machine's speed, so the pause between changes
            // adapts. It doubles after a dump that gave up and halves after an undisturbed one.
            Churn churn(20 * kMinPauseUs);
            std::optional<Snapshot> retried;
            unsigned dumps = 0;
            unsigned gave_up = 0;
            for (auto start = Clock::now(); !retried && Clock::now() - start < kPatience;) {
                Result<Snapshot> snapshot = dump_snapshot(socket);
                ++dumps;
                if (!snapshot) {
                    EXPECT(snapshot.error().code == EAGAIN);
                    ++gave_up;
                    churn.set_pause(churn.pause() * 2 + 50);
                } else if (snapshot->interrupted_dumps == 0) {
                    churn.set_pause(std::max(kMinPauseUs, churn.pause() / 2));
                } else {
                    retried = std::move(*snapshot);
                }
            }
            unsigned long changes = churn.changes();
            int churn_error = churn.stop();
            if (churn_error != 0)
                std::fprintf(stderr, "churn thread: RTM_NEWADDR or RTM_DELADDR failed: %s\n",
                             std::strerror(churn_error));
            EXPECT(churn_error == 0);
            if (!retried)
                std::fprintf(stderr,
                             "no dump completed after an interruption in %u dumps over "
                             "%lld s (%u gave up, %lu address changes)\n",
                             dumps, static_cast<long long>(kPatience.count()), gave_up, changes);
            EXPECT(retried.has_value());
            EXPECT(retried->interrupted_dumps > 0);
            EXPECT(lists_each_address_once(*retried));

            // The churn thread deletes each address it adds, so once it stops only the stable
            // addresses are left.
            Result<Snapshot> settled = dump_snapshot(socket);
            EXPECT(settled.ok());
            EXPECT(lists_each_address_once(*settled));
            EXPECT(count_addresses(*settled, kChurnBase, kChurnCount).listed == 0);
            return 0;
        });
    }

    TEST_CASE("dump gives up after five interruptions") {
        run_in_namespace([](Socket& socket) {
            EXPECT(add_stable_addresses(socket));

            // At the shortest pause the churn changes an address about every 150 us, and an
            // address dump takes about 1 ms (both measured on a 2-core VM with Linux 6.18). So
            // nearly every call has all 5 attempts interrupted. A scheduling gap can still let
            // one attempt through, hence the loop.
            Churn churn(kMinPauseUs);
            std::optional<Error> gave_up;
            unsigned dumps = 0;
            for (auto start = Clock::now(); !gave_up && Clock::now() - start < kPatience;) {
                Result<Snapshot> snapshot = dump_snapshot(socket);
                ++dumps;
                if (!snapshot)
                    gave_up = snapshot.error();
            }
            unsigned long changes = churn.changes();
            EXPECT(churn.stop() == 0);
            if (!gave_up)
                std::fprintf(stderr,
                             "all %u dumps completed within %lld s despite %lu address "
                             "changes\n",
                             dumps, static_cast<long long>(kPatience.count()), changes);
            EXPECT(gave_up.has_value());
            EXPECT(gave_up->code == EAGAIN);
            EXPECT(gave_up->message == "RTM_GETADDR dump interrupted by concurrent changes 5 "
                                       "times in a row; try again later");
            return 0;
        });
    }
}
