#include "shim/capabilities.hpp"

#include <spdlog/spdlog.h>

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace srinit {

namespace {

// The version 3 capability layout: two 32-bit words per set.
struct CapabilitySets {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
};

// glibc has no capget/capset wrappers, and libcap is not a dependency.
bool read_capabilities(CapabilitySets& sets) {
    return ::syscall(SYS_capget, &sets.header, sets.data) == 0;
}

bool has_effective(const CapabilitySets& sets, int capability) {
    return sets.data[CAP_TO_INDEX(capability)].effective & CAP_TO_MASK(capability);
}

} // namespace

void warn_if_net_admin_stays() {
    if (::prctl(PR_CAPBSET_READ, CAP_NET_ADMIN, 0, 0, 0) != 1) {
        return; // not in the bounding set, so nothing can bring it back
    }
    CapabilitySets sets;
    if (read_capabilities(sets) && !has_effective(sets, CAP_SETPCAP)) {
        spdlog::warn("CAP_SETPCAP is missing, so CAP_NET_ADMIN cannot be dropped from the child's "
                     "bounding set and a child running as root keeps it; grant CAP_SETPCAP "
                     "(cap_add: [SETPCAP]) or use --keep-net-admin to allow this");
    }
}

void drop_net_admin() {
    ::prctl(PR_CAPBSET_DROP, CAP_NET_ADMIN, 0, 0, 0);
    // EINVAL before Linux 4.3, which had no ambient set.
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, CAP_NET_ADMIN, 0, 0);

    CapabilitySets sets;
    if (!read_capabilities(sets)) {
        return;
    }
    sets.data[CAP_TO_INDEX(CAP_NET_ADMIN)].inheritable &= ~CAP_TO_MASK(CAP_NET_ADMIN);
    // Lowering the inheritable set needs no privilege.
    ::syscall(SYS_capset, &sets.header, sets.data);
}

} // namespace srinit
