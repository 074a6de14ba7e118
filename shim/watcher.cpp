#include "shim/watcher.hpp"

#include <spdlog/spdlog.h>

#include <sys/timerfd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace srinit {

DebounceClock::time_point settle_time(DebounceClock::time_point first,
                                      DebounceClock::time_point last, const DebounceTimes& times) {
    return std::min(last + times.quiet, first + times.max_delay);
}

Debouncer::Debouncer(DebounceTimes times)
    : m_times(times), m_timer(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) {
    if (!m_timer)
        spdlog::error("timerfd_create(CLOCK_MONOTONIC) failed: {}; network events are followed "
                      "without debounce",
                      std::strerror(errno));
}

void Debouncer::attach(EventLoop& loop, Callback on_settled) {
    m_on_settled = std::move(on_settled);
    if (m_timer)
        loop.watch(m_timer.get(), [this] { on_timer(); });
}

void Debouncer::notify() {
    DebounceClock::time_point now = DebounceClock::now();
    m_last = now;
    if (m_first)
        return;
    if (!m_timer) {
        if (m_on_settled)
            m_on_settled();
        return;
    }
    m_first = now;
    arm(settle_time(now, now, m_times));
}

void Debouncer::on_timer() {
    // Reading clears the expiry count, so the level-triggered loop stops reporting the timer.
    uint64_t expirations = 0;
    if (read(m_timer.get(), &expirations, sizeof(expirations)) < 0 && errno == EAGAIN)
        return;
    if (!m_first)
        return;

    DebounceClock::time_point when = settle_time(*m_first, m_last, m_times);
    if (when > DebounceClock::now()) {
        arm(when);
        return;
    }
    // Events that arrive while the callback runs (its own changes among them) start a new
    // burst, so m_first is cleared before the call.
    m_first.reset();
    m_on_settled();
}

void Debouncer::arm(DebounceClock::time_point when) {
    itimerspec spec = {};
    auto since_epoch = std::chrono::duration_cast<std::chrono::nanoseconds>(when.time_since_epoch());
    spec.it_value.tv_sec = since_epoch.count() / 1000000000;
    spec.it_value.tv_nsec = since_epoch.count() % 1000000000;
    // steady_clock is CLOCK_MONOTONIC on Linux, so an absolute expiry of that clock matches.
    if (timerfd_settime(m_timer.get(), TFD_TIMER_ABSTIME, &spec, nullptr) == 0)
        return;

    spdlog::error("timerfd_settime failed: {}; resyncing without debounce", std::strerror(errno));
    m_first.reset();
    m_on_settled();
}

} // namespace srinit
