// The state behind Routing, shared by routing.cpp (start and resync), routing_watch.cpp
// (following network changes) and routing_log.cpp (the log lines about each plan). Private to
// those files and their unit tests.
#pragma once

#include "netlink/events.hpp"
#include "netlink/neighbour.hpp"
#include "netlink/reconcile.hpp"
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
#include <utility>
#include <vector>

namespace srinit {

// Lines that the previous resync logged, so that the next one logs only what changed.
struct LogMemory {
    std::map<uint32_t, std::string> managed; // ifindex to "name: table N"
    std::set<std::string> interface_lines;
    std::set<std::string> errors;
    std::set<std::string> warnings;
    std::set<std::string> skips;
    std::set<std::string> unmanaged; // the line saying that no interface is managed
    // --gateway and --exclude values that matched nothing, kept for good: each is logged
    // once per run.
    std::set<std::string> unmatched_options;
};

// The tables (by family) where the kernel rejected a change, so that the info line of each
// interface reports what is in place rather than what was planned.
struct Failures {
    std::set<std::pair<uint8_t, uint32_t>> defaults; // a default route was rejected
    std::set<std::pair<uint8_t, uint32_t>> tables;   // any route or rule was rejected

    void add(const Change& change);
};

// Logs the plan's errors, warnings and skips (at debug), each only when the previous resync
// did not log it, and each --gateway or --exclude value that matches nothing once.
void log_plan(const Plan& plan, const Snapshot& snapshot, const PlanOptions& options,
              LogMemory& memory);

// Logs one info line per managed interface as far as the kernel accepted its changes, each
// interface no longer managed, and why none is managed, each only when new.
void log_interfaces(const Plan& plan, const Failures& failures, LogMemory& memory);

// One line per interface: its addresses of both families, its table and each gateway, or
// that the gateway could not be installed when `failures` contains its default route.
std::vector<std::string> describe_interfaces(const Plan& plan, const Failures& failures);

// One warning per --gateway value that names no interface of `snapshot`, or whose subnet
// contains no address of `plan.interfaces`.
std::vector<std::string> find_unmatched_gateways(const PlanOptions& options,
                                                 const Snapshot& snapshot, const Plan& plan);

// One warning per --exclude name without wildcards that names no interface of `snapshot`:
// probably a typo, which would leave that interface managed. A glob that matches nothing
// is normal and not reported.
std::vector<std::string> find_unmatched_excludes(const PlanOptions& options,
                                                 const Snapshot& snapshot);

// The info line saying that `plan` manages no interface and why, "" when it manages one.
std::string describe_unmanaged(const Plan& plan);

struct Routing::State {
    Options options;
    std::optional<Socket> socket; // the request socket, set once routing is managed
    LogMemory memory;
    bool table_conflict = false; // the last plan left an interface alone (plan.errors)

    NetnsLock lock;
    bool waiting_for_lock = false; // another srinit manages routing in this namespace
    // Opened once the child runs (watch()), or before the dump when taking over from another
    // srinit (take_over()).
    std::optional<EventSocket> events;
    std::optional<Debouncer> debouncer;  // coalesces a burst of events into one resync
    std::optional<Debouncer> guess_timer; // reads the neighbour entries of guessed gateways
    GuessCheck guesses;
    // Probes planned before kFirstProbeDelay after the child's start wait in `unprobed`, so
    // that the kernel's neighbour resolution does not compete with the child's start.
    bool child_started = false;
    std::optional<Plan> unprobed;
    std::optional<Debouncer> probe_delay; // fires kFirstProbeDelay after the child's start
    uint64_t overflows = 0;   // ENOBUFS on the event socket since start
    bool events_lost = false; // an overflow since the last resync
    std::chrono::steady_clock::time_point last_loss_warning;

    // Set when the first dump shows hardware beside a container runtime's bridge: the host's
    // network namespace, where routing is left alone (unless --host-network).
    bool host_checked = false;
    bool host_network = false;

    void open_event_socket();
    bool open_request_socket();
    bool looks_like_host(const Snapshot& snapshot);
    bool resync();
    void follow_events(EventLoop& loop);
    void read_events(EventLoop& loop);
    void resync_after_events();
    void check_guesses();
    void probe_guesses(const Plan& plan);
    void delay_first_probes(EventLoop& loop);
    void take_over(EventLoop& loop);
};

} // namespace srinit
