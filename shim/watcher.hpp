// Debouncing of network events: a burst of notifications becomes one callback after a quiet
// period. The one-shot timerfd is armed only when an event arrives, so nothing wakes srinit
// while nothing changes.
#pragma once

#include "shim/fd.hpp"
#include "shim/loop.hpp"

#include <chrono>
#include <functional>
#include <optional>

namespace srinit {

using DebounceClock = std::chrono::steady_clock;

// Quiet period after the last event, and the maximum delay after the first one, so that a
// steady stream of events still gets a resync now and then.
struct DebounceTimes {
    std::chrono::milliseconds quiet{20};
    std::chrono::milliseconds max_delay{200};
};

// Returns when the callback of a burst that began at `first` and last saw an event at `last`
// runs: `quiet` after `last`, but no later than `max_delay` after `first`. Pure.
DebounceClock::time_point settle_time(DebounceClock::time_point first,
                                      DebounceClock::time_point last, const DebounceTimes& times);

class Debouncer {
  public:
    using Callback = std::function<void()>;

    // Creates the timerfd (CLOCK_MONOTONIC, non-blocking, close-on-exec). When that fails,
    // the error is logged and every notify() runs the callback at once, without debounce.
    explicit Debouncer(DebounceTimes times = {});
    Debouncer(const Debouncer&) = delete;
    Debouncer& operator=(const Debouncer&) = delete;

    // Adds the timer to `loop`; `on_settled` runs once per burst, from the loop.
    void attach(EventLoop& loop, Callback on_settled);

    // Records an event, and arms the timer when no burst is pending. A pending timer is
    // pushed back only when it fires, so a burst costs one timerfd_settime per expiry
    // instead of one per event.
    void notify();

    // True while a burst waits for its callback.
    bool pending() const { return m_first.has_value(); }

  private:
    void on_timer();
    void arm(DebounceClock::time_point when);

    DebounceTimes m_times;
    Fd m_timer;
    Callback m_on_settled;
    std::optional<DebounceClock::time_point> m_first;
    DebounceClock::time_point m_last;
};

} // namespace srinit
