#include "shim/net_admin.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace srinit {

Result<bool> has_net_admin() {
    // glibc has no capget wrapper and libcap is not a dependency, so the system call is
    // made directly. Version 3 returns two 32-bit words per set; CAP_NET_ADMIN (12) is in
    // the first.
    __user_cap_header_struct header{};
    header.version = _LINUX_CAPABILITY_VERSION_3;
    header.pid = 0;
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capget, &header, data) != 0) {
        return Error{errno, std::string("capget: ") + std::strerror(errno)};
    }
    return (data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective & CAP_TO_MASK(CAP_NET_ADMIN)) != 0;
}

} // namespace srinit
