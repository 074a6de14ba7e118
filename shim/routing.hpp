// The routing side of srinit, as the main loop uses it: set up at start, then follow
// network changes. This is the one place where shim/ meets netlink/.
#pragma once

#include "shim/loop.hpp"
#include "shim/options.hpp"

#include <memory>
#include <optional>

namespace srinit {

class Routing {
  public:
    explicit Routing(const Options& options);
    ~Routing();

    // Checks CAP_NET_ADMIN and the network namespace, dumps, plans, reconciles and applies,
    // logging one info line per managed interface. Returns an exit status when srinit must
    // stop before starting the child (1: --require-routing and routing failed; 0: after
    // --dry-run printed its commands), nullopt to go on. Logs any std::exception instead of
    // throwing it.
    std::optional<int> start();

    // Adds the netlink event socket (and its timers) to `loop`, so that later changes are
    // followed. Does nothing with --no-watch or when routing is not managed.
    void watch(EventLoop& loop);

    // Dumps, plans, reconciles and applies once, logging each change at info. Used by start()
    // and for every resynchronisation after network events. Returns false when the dump or
    // the batch failed (already logged). Logs any std::exception instead of throwing it.
    bool resync();

  private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace srinit
