#include "shim/netns.hpp"

#include <fnmatch.h>
#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <string>

namespace srinit {

namespace {

// Bridges that Docker, Kubernetes CNI plugins, Podman and libvirt create in the host's
// namespace; a container sees none of them in its own.
const char* const kRuntimeBridges[] = {"docker0", "cni0", "cbr0", "podman*", "virbr*"};

// Parses the "net:[4026531833]" link text; 0 when it has another form.
uint64_t read_netns_inode(const std::string& root) {
    std::string path = root + "/proc/self/ns/net";
    char text[64] = {};
    ssize_t length = ::readlink(path.c_str(), text, sizeof text - 1);
    if (length <= 0) {
        return 0;
    }
    std::string link(text, size_t(length));
    const std::string head = "net:[";
    if (link.compare(0, head.size(), head) != 0 || link.back() != ']') {
        return 0;
    }
    return std::strtoull(link.c_str() + head.size(), nullptr, 10);
}

bool is_runtime_bridge(const std::string& name) {
    return std::any_of(std::begin(kRuntimeBridges), std::end(kRuntimeBridges),
                       [&](const char* pattern) { return fnmatch(pattern, name.c_str(), 0) == 0; });
}

bool has_device_link(const std::string& root, const std::string& name) {
    struct stat status {};
    std::string path = root + "/sys/class/net/" + name + "/device";
    return ::stat(path.c_str(), &status) == 0;
}

bool is_sysfs_bridge(const std::string& root, const std::string& name) {
    struct stat status {};
    std::string path = root + "/sys/class/net/" + name + "/bridge";
    return ::stat(path.c_str(), &status) == 0;
}

} // namespace

NamespaceVerdict detect_host_network(const std::string& root,
                                     const std::vector<std::string>& interfaces) {
    uint64_t inode = read_netns_inode(root);
    if (inode == kInitialNetnsInode) {
        return {true, "network namespace inode " + std::to_string(inode) + " is the initial one"};
    }
    return detect_host_devices(root, interfaces);
}

NamespaceVerdict detect_host_devices(const std::string& root,
                                     const std::vector<std::string>& interfaces) {
    // Names first: a container has no runtime bridge, so there the check makes no sysfs
    // lookup at all, where reading each interface's `device` link would cost one each.
    std::string bridge;
    for (const std::string& name : interfaces) {
        if (is_runtime_bridge(name) && is_sysfs_bridge(root, name)) {
            bridge = name;
            break;
        }
    }
    if (bridge.empty()) {
        return {false, ""};
    }
    for (const std::string& name : interfaces) {
        if (has_device_link(root, name)) {
            return {true, "hardware device " + name + " sits beside the container runtime's bridge " +
                              bridge};
        }
    }
    return {false, ""};
}

NamespaceVerdict detect_host_network() {
    std::vector<std::string> interfaces;
    if (struct if_nameindex* list = ::if_nameindex()) {
        for (struct if_nameindex* entry = list; entry->if_index != 0; ++entry) {
            interfaces.emplace_back(entry->if_name);
        }
        ::if_freenameindex(list);
    }
    return detect_host_network("/", interfaces);
}

} // namespace srinit
