#include "netlink/reconcile.hpp"

#include <algorithm>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <tuple>

namespace srinit {

namespace {

// Compares prefixes as the kernel does: a length of 0 ("all", "default") matches whatever
// address bytes or family a parser left in place.
bool same_prefix(const Prefix& a, const Prefix& b) {
    if (a.length != b.length)
        return false;
    return a.length == 0 || a.address == b.address;
}

bool same_route_key(const Route& a, const Route& b) {
    return a.family == b.family && a.table == b.table && same_prefix(a.dst, b.dst) &&
           a.tos == b.tos && a.priority == b.priority;
}

// Compares what srinit sets on a route. The kernel also reports RTA_PREF, RTA_CACHEINFO,
// expiry and state flags such as RTNH_F_LINKDOWN, none of which srinit sends. It stores
// every IPv6 route with RT_SCOPE_UNIVERSE whatever the request contained, so IPv6 scopes are
// not compared.
bool same_route(const Route& planned, const Route& current) {
    bool scope_matches = planned.family == AF_INET6 || planned.scope == current.scope;
    return same_route_key(planned, current) && scope_matches && planned.type == current.type &&
           planned.gateway == current.gateway && planned.prefsrc == current.prefsrc &&
           planned.oif == current.oif &&
           (planned.flags & RTNH_F_ONLINK) == (current.flags & RTNH_F_ONLINK);
}

bool same_rule(const Rule& a, const Rule& b) {
    return std::tie(a.family, a.priority, a.table, a.protocol, a.action, a.suppress_prefixlength,
                    a.iifname, a.oifname, a.fwmark) ==
               std::tie(b.family, b.priority, b.table, b.protocol, b.action,
                        b.suppress_prefixlength, b.iifname, b.oifname, b.fwmark) &&
           same_prefix(a.src, b.src);
}

// srinit never writes to main, local or the default table, so a route there is never its
// own, whatever protocol it carries.
bool is_owned(const Route& route) {
    return route.protocol == kProtocol && route.table != RT_TABLE_MAIN &&
           route.table != RT_TABLE_LOCAL && route.table != RT_TABLE_DEFAULT;
}

std::vector<Rule> find_stale_rules(const Plan& plan, const Snapshot& current,
                                   std::vector<bool>& planned_present) {
    std::vector<Rule> stale;
    for (const Rule& rule : current.rules) {
        if (rule.protocol != kProtocol)
            continue;
        // Each planned rule accounts for one current rule; a duplicate is stale.
        bool matched = false;
        for (size_t i = 0; i < plan.rules.size() && !matched; ++i)
            if (!planned_present[i] && same_rule(plan.rules[i], rule))
                planned_present[i] = matched = true;
        if (!matched)
            stale.push_back(rule);
    }
    // `from` rules at B+1 go before the main-first rule at B, so that no address is left
    // with its own table but without main deciding first.
    std::stable_sort(stale.begin(), stale.end(),
                     [](const Rule& a, const Rule& b) { return a.priority > b.priority; });
    return stale;
}

// Pairs each planned route with the owned route of the same key, and lists the owned routes
// left over. IPv4 lets several routes share a key (`ip route append`); all but the first are
// stale.
struct RouteMatch {
    std::vector<const Route*> owned_for_planned;
    std::vector<Route> stale;
};

RouteMatch match_routes(const Plan& plan, const Snapshot& current) {
    RouteMatch match{std::vector<const Route*>(plan.routes.size(), nullptr), {}};
    for (const Route& route : current.routes) {
        if (!is_owned(route))
            continue;
        auto planned = std::find_if(plan.routes.begin(), plan.routes.end(),
                                    [&](const Route& p) { return same_route_key(p, route); });
        size_t index = size_t(planned - plan.routes.begin());
        if (planned == plan.routes.end() || match.owned_for_planned[index])
            match.stale.push_back(route);
        else
            match.owned_for_planned[index] = &route;
    }
    return match;
}

} // namespace

std::vector<Change> reconcile(const Plan& plan, const Snapshot& current) {
    std::vector<Change> changes;

    std::vector<bool> planned_present(plan.rules.size(), false);
    for (const Rule& rule : find_stale_rules(plan, current, planned_present))
        changes.push_back(Change{Change::Op::remove, rule});

    RouteMatch match = match_routes(plan, current);
    for (const Route& route : match.stale)
        changes.push_back(Change{Change::Op::remove, route});

    // Plan order: connected routes before the default route whose gateway they reach.
    for (size_t i = 0; i < plan.routes.size(); ++i) {
        const Route* owned = match.owned_for_planned[i];
        if (!owned)
            changes.push_back(Change{Change::Op::add, plan.routes[i]});
        else if (!same_route(plan.routes[i], *owned))
            changes.push_back(Change{Change::Op::replace, plan.routes[i]});
    }

    for (size_t i = 0; i < plan.rules.size(); ++i)
        if (!planned_present[i])
            changes.push_back(Change{Change::Op::add, plan.rules[i]});
    return changes;
}

} // namespace srinit
