// Checked guesses: a gateway guessed as the first host of a prefix is probed with neighbour
// resolution (ARP for IPv4, neighbour solicitation for IPv6), and its neighbour entry is read
// a few seconds later. A guess without a reply is withdrawn, with a warning naming the
// interface and the --gateway option, and probed again after each later network change.
#pragma once

#include "netlink/plan.hpp"
#include "netlink/result.hpp"
#include "netlink/socket.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace srinit {

// Time after a probe at which its neighbour entry is read. The kernel's defaults give up on
// an unanswered address after 3 solicitations 1 s apart (mcast_solicit 3, retrans_time 1 s
// for ARP and NDP), so 5 s leaves room for a slow first reply.
constexpr std::chrono::seconds kNeighbourCheckDelay{5};

enum class NeighbourState {
    answered, // the entry has a link-layer address (REACHABLE, STALE, DELAY, PROBE, PERMANENT)
    pending,  // resolution still runs (INCOMPLETE)
    failed,   // resolution gave up (FAILED), or the entry is gone
};

// Maps an ndm_state (NUD_* bits) to a NeighbourState. NUD_NOARP counts as answered, because
// such a link has no resolution to fail. Pure.
NeighbourState classify_neighbour(uint16_t nud_state);

// Sends RTM_NEWNEIGH with NTF_USE and NLM_F_CREATE for `gateway` on `ifindex`: the kernel
// creates the entry when missing and starts resolution unless it is already valid, without
// sending any packet but the solicitation. Waits for the acknowledgement.
Result<int> probe_neighbour(Socket& socket, uint32_t ifindex, const IpAddress& gateway);

// Reads the neighbour entry of `gateway` on `ifindex` with a dump of the family's neighbour
// table; a missing entry reads as failed.
Result<NeighbourState> read_neighbour(Socket& socket, uint32_t ifindex, const IpAddress& gateway);

// The guessed gateways of successive plans. Each is probed and checked once, and a silent
// one again after each network change until it replies.
class GuessCheck {
  public:
    // Probes every first-host gateway of `plan` not probed before for the same interface.
    // A gateway whose probe fails (the interface went away meanwhile) is not checked, and
    // neither is one that `plan` no longer guesses. Returns true when a check() is due in
    // kNeighbourCheckDelay.
    bool probe_new(Socket& socket, const Plan& plan);

    // Probes the silent() guesses again, after a network change. Returns true when a check()
    // is due in kNeighbourCheckDelay.
    bool probe_silent(Socket& socket);

    // Reads the entries of the gateways probed since the last check(). Each new guess that
    // sent no reply joins silent() and gets a warning in the result. Each silent guess that
    // replies now leaves it and gets an info line in `recovered`. Entries still resolving
    // are checked again next time, and then true is returned through `again`.
    std::vector<std::string> check(Socket& socket, bool& again,
                                   std::vector<std::string>& recovered);

    // The guesses that sent no reply, as (ifindex, gateway), for PlanOptions::silent_guesses.
    // A guess leaves the set when a probe after a later network change gets a reply.
    std::set<std::pair<uint32_t, IpAddress>> silent() const;

  private:
    using GuessKey = std::pair<uint32_t, IpAddress>; // (ifindex, gateway)

    std::set<GuessKey> m_probed; // ever probed
    std::map<GuessKey, InterfacePlan> m_silent;
    std::vector<InterfacePlan> m_unchecked;
    std::vector<InterfacePlan> m_reprobed; // silent guesses probed again
};

} // namespace srinit
