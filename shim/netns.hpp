// Detection of the host's network namespace (`docker run --network host`), where srinit
// leaves routing alone unless --host-network overrides that.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace srinit {

// Inode number of the initial network namespace on kernels that fix it (PROC_NET_INIT_INO
// in the kernel's include/linux/proc_ns.h; Linux 6.18 reports it). Older kernels allocate it
// like any other namespace inode, so a different number proves nothing.
constexpr uint64_t kInitialNetnsInode = 0xEFFFFFF9;

struct NamespaceVerdict {
    bool host = false;
    std::string evidence; // why, for the log: "network namespace inode 4026531833 is the initial one"
};

// Decides from files below `root` ("/" in production, a fake tree in tests):
// - `root`/proc/self/ns/net reads "net:[kInitialNetnsInode]": host;
// - otherwise, a device with a `device` link in `root`/sys/class/net (PCI, virtio: hardware)
//   beside a container runtime's bridge (docker0, cni0, cbr0, podman*, virbr*): host.
// Only entries named in `interfaces`, the links of this network namespace, count, because a
// /sys mounted before `unshare --net` still shows the old namespace's devices.
NamespaceVerdict detect_host_network(const std::string& root,
                                     const std::vector<std::string>& interfaces);

// The second check alone, for callers that have made the inode check already.
NamespaceVerdict detect_host_devices(const std::string& root,
                                     const std::vector<std::string>& interfaces);

// Both checks, for this process: root "/" and the interfaces if_nameindex(3) lists.
NamespaceVerdict detect_host_network();

} // namespace srinit
