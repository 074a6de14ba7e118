// The state behind Routing, shared by routing.cpp (start and resync) and routing_watch.cpp
// (following network changes). Private to those two files.
#pragma once

#include "netlink/events.hpp"
#include "netlink/neighbour.hpp"
#include "netlink/socket.hpp"
#include "shim/netns_lock.hpp"
#include "shim/routing.hpp"
#include "shim/watcher.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace srinit {

// Lines that the previous resync logged, so that the next one logs only what changed.
struct LogMemory {
    std::map<uint32_t, std::string> managed; // ifindex to "name: table N"
    std::set<std::string> interface_lines;
    std::set<std::string> errors;
    std::set<std::string> warnings;
};

struct Routing::State {
    Options options;
    std::optional<Socket> socket; // the request socket, set once routing is managed
    LogMemory memory;
    bool table_conflict = false; // the last plan left an interface alone (plan.errors)

    NetnsLock lock;
    bool waiting_for_lock = false; // another srinit manages routing in this namespace
    // Opened before the first dump, so that no change falls between the dump and the
    // subscription.
    std::optional<EventSocket> events;
    std::optional<Debouncer> debouncer;  // coalesces a burst of events into one resync
    std::optional<Debouncer> guess_timer; // reads the neighbour entries of guessed gateways
    GuessCheck guesses;
    // Probing a guessed gateway costs a netlink round trip, so the probes of the first
    // resync wait in `unprobed` until the child has started (watch()).
    bool child_started = false;
    std::optional<Plan> unprobed;
    uint64_t overflows = 0;   // ENOBUFS on the event socket since start
    bool events_lost = false; // an overflow since the last resync
    std::chrono::steady_clock::time_point last_loss_warning;

    bool open_sockets();
    bool resync();
    void follow_events(EventLoop& loop);
    void read_events(EventLoop& loop);
    void resync_after_events();
    void check_guesses();
    void probe_guesses(const Plan& plan);
    void take_over(EventLoop& loop);
};

} // namespace srinit
