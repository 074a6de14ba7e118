#include "shim/routing.hpp"

#include "netlink/batch.hpp"
#include "netlink/dump.hpp"
#include "netlink/plan.hpp"
#include "netlink/reconcile.hpp"
#include "netlink/socket.hpp"
#include "shim/log.hpp"
#include "shim/net_admin.hpp"
#include "shim/netns.hpp"
#include "shim/routing_state.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace srinit {

namespace {

// The next step for the user, by the errno that the kernel acknowledged a change with.
const char* remedy_for(int error) {
    switch (error) {
    case EPERM:
    case EACCES:
        return "grant CAP_NET_ADMIN (compose: cap_add: [NET_ADMIN])";
    case ENETUNREACH:
        return "check that the gateway lies inside a prefix of that interface, and give "
               "another with --gateway";
    case ENODEV:
    case EADDRNOTAVAIL:
        return "the interface or address changed meanwhile; the next resync retries";
    case EEXIST:
        return "another program owns an equal object; remove it or move --table-base or "
               "--rule-priority";
    default:
        return "check the interface and table named here, and rerun with -v for every change";
    }
}

void log_failed_change(const ChangeResult& result, const Snapshot& snapshot) {
    std::string extack = result.extack.empty() ? "" : " (" + result.extack + ")";
    spdlog::error("the kernel rejected '{}': {}{}; {}", to_ip_command(result.change, snapshot),
                  std::strerror(result.error), extack, remedy_for(result.error));
}

// The owned route in `snapshot` that a rejected replace of `planned` leaves in place.
const Route* find_replaced_route(const Route& planned, const Snapshot& snapshot) {
    for (const Route& route : snapshot.routes) {
        bool same_dst = route.dst.length == planned.dst.length &&
                        (planned.dst.length == 0 || route.dst.address == planned.dst.address);
        if (route.protocol == kProtocol && route.family == planned.family &&
            route.table == planned.table && same_dst && route.tos == planned.tos &&
            route.priority == planned.priority) {
            return &route;
        }
    }
    return nullptr;
}

// A rejected replace keeps the old route, such as a gateway that the options no longer name,
// so that route is removed: the table then falls through to main until the next resync
// installs the planned one.
void remove_replaced_routes(Socket& socket, const std::vector<ChangeResult>& results,
                            const Snapshot& snapshot) {
    std::vector<Change> removals;
    for (const ChangeResult& result : results) {
        const Route* planned = std::get_if<Route>(&result.change.object);
        if (result.error == 0 || result.change.op != Change::Op::replace || planned == nullptr) {
            continue;
        }
        if (const Route* old = find_replaced_route(*planned, snapshot)) {
            removals.push_back(Change{Change::Op::remove, *old});
            spdlog::warn("removing '{}' instead, so that table {} does not keep a route that "
                         "srinit no longer wants",
                         to_ip_command(removals.back(), snapshot), old->table);
        }
    }
    if (removals.empty()) {
        return;
    }
    Result<std::vector<ChangeResult>> removed = apply_changes(socket, removals);
    if (!removed) {
        spdlog::error("failed to send {} route removals: {}; the next resync retries",
                      removals.size(), removed.error().message);
        return;
    }
    for (const ChangeResult& result : *removed) {
        if (result.error != 0) {
            log_failed_change(result, snapshot);
        }
    }
}

// Dumps and plans; nullopt when the dump failed, which is logged.
std::optional<std::pair<Snapshot, Plan>> dump_and_plan(Socket& socket, const PlanOptions& options,
                                                      LogMemory& memory) {
    Result<Snapshot> snapshot = dump_snapshot(socket);
    if (!snapshot) {
        spdlog::error("failed to read the routing state: {}; routing is left as it is",
                      snapshot.error().message);
        return std::nullopt;
    }
    if (snapshot->interrupted_dumps > 0) {
        spdlog::debug("the routing state changed while it was dumped, so srinit read it again "
                      "(interrupted dumps: {})",
                      snapshot->interrupted_dumps);
    }
    Plan plan = make_plan(*snapshot, options);
    log_plan(plan, *snapshot, options, memory);
    return std::make_pair(std::move(*snapshot), std::move(plan));
}

// Sends `changes` and records each one the kernel rejected in `failures`; false when the
// socket failed or the kernel rejected a change.
bool send_changes(Socket& socket, const std::vector<Change>& changes, const Snapshot& snapshot,
                  Failures& failures) {
    // Formatting every change costs more than planning them, so only when it is logged.
    if (spdlog::should_log(spdlog::level::debug)) {
        for (const Change& change : changes) {
            spdlog::debug("{}", to_ip_command(change, snapshot));
        }
    }
    if (changes.empty()) {
        return true;
    }

    Result<std::vector<ChangeResult>> results = apply_changes(socket, changes);
    if (!results) {
        spdlog::error("failed to send {} routing changes: {}; the next resync retries",
                      changes.size(), results.error().message);
        return false;
    }
    bool ok = true;
    for (const ChangeResult& result : *results) {
        if (result.error != 0) {
            log_failed_change(result, snapshot);
            failures.add(result.change);
            ok = false;
        }
    }
    if (!ok) {
        remove_replaced_routes(socket, *results, snapshot);
    }
    return ok;
}

void log_host_network(const Options& options, const NamespaceVerdict& verdict) {
    auto level = options.require_routing ? spdlog::level::err : spdlog::level::info;
    spdlog::log(level,
                "leaving routing alone: this looks like the host's network namespace ({}); "
                "--host-network (SRINIT_HOST_NETWORK=1) manages it anyway",
                verdict.evidence);
}

// Tells whether routing may be managed here, logging why not: the host's network namespace
// (unless --host-network), or no CAP_NET_ADMIN (--dry-run only reads, so it needs none).
bool may_manage(const Options& options) {
    // The inode check costs one readlink. The check for hardware beside a runtime's bridge
    // needs the interface names: --dry-run lists them here, and a real start takes them from
    // its first dump (looks_like_host), which saves a second link dump before the child runs.
    if (!options.host_network) {
        NamespaceVerdict verdict =
            options.dry_run ? detect_host_network() : detect_host_network("/", {});
        if (verdict.host) {
            log_host_network(options, verdict);
            return false;
        }
    }
    if (options.dry_run) {
        // The dry run needs no capability itself, but it shows what the real run would do.
        Result<bool> capable = has_net_admin();
        if (capable && !*capable) {
            spdlog::warn("CAP_NET_ADMIN is missing, so a run without --dry-run would leave "
                         "routing alone; grant it with cap_add: [NET_ADMIN] (compose) or "
                         "securityContext.capabilities.add (Kubernetes)");
        }
        return true;
    }

    Result<bool> capable = has_net_admin();
    if (!capable) {
        spdlog::warn("{}; trying to set up routing anyway", capable.error().message);
        return true;
    }
    if (!*capable) {
        auto level = options.require_routing ? spdlog::level::err : spdlog::level::warn;
        spdlog::log(level,
                    "CAP_NET_ADMIN is missing, so routing is left alone{}; grant it with "
                    "cap_add: [NET_ADMIN] (compose) or securityContext.capabilities.add "
                    "(Kubernetes)",
                    options.require_routing ? " and --require-routing stops srinit"
                                            : " and the child runs as usual");
        return false;
    }
    return true;
}

// --dry-run: prints the ip(8) command of each change to stdout and applies none.
bool print_changes(Socket& socket, const PlanOptions& options, LogMemory& memory) {
    auto planned = dump_and_plan(socket, options, memory);
    if (!planned) {
        return false;
    }
    const auto& [snapshot, plan] = *planned;
    log_interfaces(plan, Failures{}, memory);

    std::vector<Change> changes = reconcile(plan, snapshot);
    if (changes.empty()) {
        spdlog::info("the routing already matches the plan; nothing to change");
    }
    for (const Change& change : changes) {
        std::printf("%s\n", to_ip_command(change, snapshot).c_str());
    }
    std::fflush(stdout);
    return true;
}
} // namespace

Routing::Routing(const Options& options) : m_state(std::make_unique<State>()) {
    m_state->options = options;
}

Routing::~Routing() = default;

std::optional<int> Routing::start() {
    const Options& options = m_state->options;
    // --dry-run never starts the child: srinit ends with 0, or with 1 when reading failed.
    auto outcome = [&](bool ok) -> std::optional<int> {
        if (options.dry_run) {
            return ok ? 0 : 1;
        }
        if (!ok && options.require_routing) {
            spdlog::error("stopping before the child starts: --require-routing is set and "
                          "routing could not be set up completely; what was installed stays");
            return 1;
        }
        return std::nullopt;
    };

    if (options.dry_run && !options.command.empty()) {
        std::string command;
        for (const std::string& argument : options.command) {
            command += (command.empty() ? "" : " ") + argument;
        }
        spdlog::info("not running '{}': --dry-run only prints the routing changes", command);
    }

    try {
        if (!options.routing) {
            spdlog::debug("routing is off (--no-routing)");
            return outcome(true);
        }
        if (!may_manage(options)) {
            return outcome(!options.require_routing);
        }

        // Only one srinit per network namespace manages routing. --dry-run only reads.
        if (!options.dry_run && !m_state->lock.try_acquire()) {
            spdlog::info("another srinit manages routing in this network namespace; this one "
                         "runs as a plain init and takes routing over when that one exits");
            m_state->waiting_for_lock = true;
            return outcome(true);
        }
        if (!m_state->open_request_socket()) {
            return outcome(false);
        }
        if (options.dry_run) {
            return outcome(print_changes(*m_state->socket, options.plan, m_state->memory));
        }
        // A table conflict leaves an interface without routing, which --require-routing
        // counts as a failure even though every change sent was accepted.
        bool ok = resync();
        if (m_state->host_network) {
            return outcome(!options.require_routing);
        }
        return outcome(ok && !m_state->table_conflict);
    } catch (const std::exception& error) {
        spdlog::error("failed to set up routing: {}; routing is left as it is", error.what());
        return outcome(false);
    }
}

bool Routing::State::looks_like_host(const Snapshot& snapshot) {
    if (host_checked || options.host_network) {
        return host_network;
    }
    host_checked = true;
    std::vector<std::string> names;
    for (const Link& link : snapshot.links) {
        names.push_back(link.name);
    }
    NamespaceVerdict verdict = detect_host_devices("/", names);
    if (!verdict.host) {
        return false;
    }
    log_host_network(options, verdict);
    host_network = true;
    events.reset();
    guess_timer.reset();
    socket.reset();
    lock.release();
    return true;
}

bool Routing::resync() {
    return m_state->resync();
}

bool Routing::State::resync() {
    if (!socket) {
        return false;
    }
    try {
        options.plan.silent_guesses = guesses.silent();
        auto planned = dump_and_plan(*socket, options.plan, memory);
        if (!planned) {
            return false;
        }
        const auto& [snapshot, plan] = *planned;
        if (looks_like_host(snapshot)) {
            return false;
        }
        table_conflict = !plan.errors.empty();
        Failures failures;
        bool ok = send_changes(*socket, reconcile(plan, snapshot), snapshot, failures);
        log_interfaces(plan, failures, memory);
        probe_guesses(plan);
        return ok;
    } catch (const std::exception& error) {
        spdlog::error("failed to resync routing: {}; the next network event retries",
                      error.what());
        return false;
    }
}

} // namespace srinit
