#include "shim/netns.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

namespace {

// A fake root with proc/self/ns/net and sys/class/net, removed when the test ends.
class FakeRoot {
  public:
    FakeRoot() {
        char pattern[] = "/tmp/srinit-netns-XXXXXX";
        m_path = ::mkdtemp(pattern);
        make_directory("/proc");
        make_directory("/proc/self");
        make_directory("/proc/self/ns");
        make_directory("/sys");
        make_directory("/sys/class");
        make_directory("/sys/class/net");
    }
    ~FakeRoot() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }

    const std::string& path() const { return m_path; }

    void set_netns_link(const std::string& text) {
        REQUIRE(::symlink(text.c_str(), (m_path + "/proc/self/ns/net").c_str()) == 0);
    }

    // Adds an interface directory with `marker` ("device", "bridge" or "") inside it.
    void add_interface(const std::string& name, const std::string& marker) {
        make_directory("/sys/class/net/" + name);
        if (!marker.empty()) {
            make_directory("/sys/class/net/" + name + "/" + marker);
        }
    }

  private:
    void make_directory(const std::string& relative) {
        REQUIRE(::mkdir((m_path + relative).c_str(), 0755) == 0);
    }

    std::string m_path;
};

} // namespace

TEST_SUITE("host network namespace") {
    TEST_CASE("initial inode means host") {
        FakeRoot root;
        root.set_netns_link("net:[4026531833]");
        srinit::NamespaceVerdict verdict = srinit::detect_host_network(root.path(), {"lo"});
        CHECK(verdict.host);
        CHECK(verdict.evidence.find("4026531833") != std::string::npos);
    }

    TEST_CASE("other inode without evidence is a container") {
        FakeRoot root;
        root.set_netns_link("net:[4026532379]");
        root.add_interface("eth0", "");
        CHECK_FALSE(srinit::detect_host_network(root.path(), {"lo", "eth0"}).host);
    }

    TEST_CASE("hardware beside runtime bridge means host") {
        FakeRoot root;
        root.set_netns_link("net:[4026531992]");
        root.add_interface("enp3s0", "device");
        root.add_interface("docker0", "bridge");
        srinit::NamespaceVerdict verdict =
            srinit::detect_host_network(root.path(), {"lo", "enp3s0", "docker0"});
        CHECK(verdict.host);
        CHECK(verdict.evidence.find("enp3s0") != std::string::npos);
        CHECK(verdict.evidence.find("docker0") != std::string::npos);
    }

    TEST_CASE("podman bridge glob counts") {
        FakeRoot root;
        root.set_netns_link("net:[4026531992]");
        root.add_interface("eth0", "device");
        root.add_interface("podman1", "bridge");
        CHECK(srinit::detect_host_network(root.path(), {"eth0", "podman1"}).host);
    }

    TEST_CASE("hardware alone is a container") {
        FakeRoot root;
        root.set_netns_link("net:[4026531992]");
        root.add_interface("eth0", "device");
        CHECK_FALSE(srinit::detect_host_network(root.path(), {"eth0"}).host);
    }

    TEST_CASE("bridge name that is no bridge") {
        FakeRoot root;
        root.set_netns_link("net:[4026531992]");
        root.add_interface("eth0", "device");
        root.add_interface("docker0", "");
        CHECK_FALSE(srinit::detect_host_network(root.path(), {"eth0", "docker0"}).host);
    }

    TEST_CASE("sysfs of another namespace ignored") {
        // /sys mounted before `unshare --net` still lists the old namespace's devices.
        FakeRoot root;
        root.set_netns_link("net:[4026532379]");
        root.add_interface("eth0", "device");
        root.add_interface("docker0", "bridge");
        CHECK_FALSE(srinit::detect_host_network(root.path(), {"lo"}).host);
    }

    TEST_CASE("unreadable namespace link falls back to sysfs") {
        FakeRoot root;
        root.add_interface("eth0", "device");
        root.add_interface("cni0", "bridge");
        CHECK(srinit::detect_host_network(root.path(), {"eth0", "cni0"}).host);
        CHECK_FALSE(srinit::detect_host_network(root.path(), {"eth0"}).host);
    }
}
