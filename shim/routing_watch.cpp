#include "shim/routing_state.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>

namespace srinit {

namespace {

// Delay from the child's start to the probes of the first resync's guessed gateways.
constexpr std::chrono::milliseconds kFirstProbeDelay{50};

// The event socket's receive buffer: SRINIT_EVENT_BUFFER bytes when set, a knob for tests
// that provoke lost events with a small buffer, else kEventBufferSize.
int event_buffer_size() {
    const char* text = std::getenv("SRINIT_EVENT_BUFFER");
    if (text == nullptr) {
        return kEventBufferSize;
    }
    char* end = nullptr;
    long size = std::strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || size < 1024 || size > (1L << 30)) {
        spdlog::warn("ignoring SRINIT_EVENT_BUFFER='{}': expected a byte count from 1024 to "
                     "1073741824",
                     text);
        return kEventBufferSize;
    }
    return int(size);
}

} // namespace

void Routing::watch(EventLoop& loop) {
    State& state = *m_state;
    if (state.guess_timer) {
        state.guess_timer->attach(loop, [&state] { state.check_guesses(); });
    }
    state.child_started = true;
    if (state.unprobed) {
        state.delay_first_probes(loop);
    }
    if (!state.options.watch) {
        return;
    }
    if (state.waiting_for_lock) {
        state.lock.wait(loop, [&state, &loop] { state.take_over(loop); });
        return;
    }
    if (!state.socket) {
        return; // routing is not managed here
    }
    // Subscribing only now spares the kernel queuing a notification to srinit for each change
    // of the first resync, and keeps the socket's set-up out of the child's way (0.16 ms at
    // 16 interfaces). A resync 20 ms after the subscription picks up what changed meanwhile.
    state.open_event_socket();
    state.follow_events(loop);
    if (state.debouncer) {
        state.debouncer->notify();
    }
}

void Routing::State::open_event_socket() {
    if (!options.watch || options.dry_run) {
        return;
    }
    Result<EventSocket> opened = EventSocket::open(event_buffer_size());
    if (opened) {
        events.emplace(std::move(*opened));
    } else {
        spdlog::warn("failed to open the netlink event socket: {}; network changes after "
                     "start are not followed",
                     opened.error().message);
    }
}

bool Routing::State::open_request_socket() {
    Result<Socket> opened = Socket::open();
    if (!opened) {
        spdlog::error("failed to open the rtnetlink socket: {}; routing is left as it is",
                      opened.error().message);
        return false;
    }
    socket = std::move(*opened);
    if (!options.dry_run && options.plan.guess) {
        guess_timer.emplace(DebounceTimes{kNeighbourCheckDelay, 2 * kNeighbourCheckDelay});
    }
    return true;
}

void Routing::State::follow_events(EventLoop& loop) {
    if (!events) {
        return;
    }
    debouncer.emplace(DebounceTimes{});
    debouncer->attach(loop, [this] { resync_after_events(); });
    loop.watch(events->fd(), [this, &loop] { read_events(loop); });
    spdlog::debug("following network changes (event socket receive buffer {} bytes)",
                  events->receive_buffer());
}

void Routing::State::read_events(EventLoop& loop) {
    Result<EventRead> read = events->read_pending();
    if (!read) {
        spdlog::error("{}; network changes are no longer followed", read.error().message);
        loop.unwatch(events->fd());
        return;
    }
    if (read->overflows > 0) {
        overflows += read->overflows;
        events_lost = true;
    }
    if (read->relevant > 0) {
        spdlog::debug("network event: {} ({} relevant of {} read)", read->first_relevant,
                      read->relevant, read->messages);
    }
    if (read->relevant > 0 || read->overflows > 0) {
        debouncer->notify();
    }
}

void Routing::State::resync_after_events() {
    if (events_lost) {
        // A burst that overflows the buffer once usually overflows it several times, so the
        // warning repeats at most once a minute and carries the count.
        auto now = std::chrono::steady_clock::now();
        bool quiet = last_loss_warning.time_since_epoch().count() != 0 &&
                     now - last_loss_warning < std::chrono::minutes(1);
        spdlog::log(quiet ? spdlog::level::debug : spdlog::level::warn,
                    "netlink events were lost because the event socket's receive buffer "
                    "overflowed ({} times since start); resyncing all routing",
                    overflows);
        if (!quiet) {
            last_loss_warning = now;
        }
        events_lost = false;
    }
    resync();
    // A change in the network may have brought a silent guessed gateway back.
    if (guess_timer && socket && guesses.probe_silent(*socket)) {
        guess_timer->notify();
    }
}

void Routing::State::probe_guesses(const Plan& plan) {
    if (!guess_timer) {
        return;
    }
    // Until kFirstProbeDelay after the child's start, the latest plan's probes wait. The
    // resync that follows the event subscription comes earlier than that.
    if (!child_started || (probe_delay && probe_delay->pending())) {
        unprobed.emplace();
        unprobed->interfaces = plan.interfaces;
        return;
    }
    if (guesses.probe_new(*socket, plan)) {
        guess_timer->notify();
    }
}

void Routing::State::delay_first_probes(EventLoop& loop) {
    // The probes make the kernel send ARP and neighbour solicitations, whose work competed
    // with the application's start for the CPU. Probing at once made the application reach
    // its first instruction about 0.12 ms later at 16 interfaces.
    probe_delay.emplace(DebounceTimes{kFirstProbeDelay, kFirstProbeDelay});
    probe_delay->attach(loop, [this] {
        if (unprobed) {
            Plan plan = std::move(*unprobed);
            unprobed.reset();
            probe_guesses(plan);
        }
    });
    probe_delay->notify();
}

void Routing::State::check_guesses() {
    bool again = false;
    std::vector<std::string> recovered;
    std::vector<std::string> warnings = guesses.check(*socket, again, recovered);
    for (const std::string& warning : warnings) {
        spdlog::warn("{}", warning);
    }
    for (const std::string& line : recovered) {
        spdlog::info("{}", line);
    }
    if (again) {
        guess_timer->notify();
    }
    // A guess gone silent leaves the next plan, and one that replies again comes back.
    if (!warnings.empty() || !recovered.empty()) {
        resync();
    }
}

void Routing::State::take_over(EventLoop& loop) {
    waiting_for_lock = false;
    // Subscribed before the dump, so that no change falls between the dump and the
    // subscription.
    open_event_socket();
    if (!open_request_socket()) {
        return;
    }
    resync();
    if (guess_timer) {
        guess_timer->attach(loop, [this] { check_guesses(); });
    }
    follow_events(loop);
}

} // namespace srinit
