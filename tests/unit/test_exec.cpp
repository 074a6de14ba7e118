#include "shim/exec.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

// A temporary directory, removed with the files the test wrote into it.
struct TempDir {
    std::string path;
    std::vector<std::string> files;

    TempDir() {
        char pattern[] = "/tmp/srinit-exec-XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~TempDir() {
        for (const std::string& file : files) {
            ::unlink(file.c_str());
        }
        ::rmdir(path.c_str());
    }

    std::string write(const std::string& name, const std::string& content, mode_t mode) {
        std::string file = path + "/" + name;
        std::ofstream(file, std::ios::binary) << content;
        REQUIRE(::chmod(file.c_str(), mode) == 0);
        files.push_back(file);
        return file;
    }
};

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

} // namespace

TEST_SUITE("exec failure") {
    TEST_CASE("not found maps to 127") {
        CHECK(srinit::ExecPlan::exit_code({ENOENT, 0, 0}) == 127);
        CHECK(srinit::ExecPlan::exit_code({ENOTDIR, 0, 0}) == 127);
    }

    TEST_CASE("not executable maps to 126") {
        CHECK(srinit::ExecPlan::exit_code({EACCES, 0, 0}) == 126);
        CHECK(srinit::ExecPlan::exit_code({ENOEXEC, 0, ENOENT}) == 126);
        CHECK(srinit::ExecPlan::exit_code({ETXTBSY, 0, 0}) == 126);
    }

    TEST_CASE("missing command is named") {
        std::vector<std::string> command{"/nonexistent/srinit-test-app", "arg"};
        srinit::ExecPlan plan(command);
        std::string message = plan.describe({ENOENT, 0, 0});
        CHECK(contains(message, "\"/nonexistent/srinit-test-app\" not found"));
    }

    TEST_CASE("missing interpreter is named") {
        TempDir dir;
        std::vector<std::string> command{dir.write("app", "#!/nonexistent/sh -e\necho\n", 0755)};
        srinit::ExecPlan plan(command);
        std::string message = plan.describe({ENOENT, 0, 0});
        CHECK(contains(message, "interpreter \"/nonexistent/sh\""));
        CHECK(contains(message, command[0]));
    }

    TEST_CASE("CRLF shebang is named") {
        TempDir dir;
        std::vector<std::string> command{dir.write("app", "#!/bin/sh\r\necho\r\n", 0755)};
        srinit::ExecPlan plan(command);
        std::string message = plan.describe({ENOENT, 0, 0});
        CHECK(contains(message, "\"/bin/sh\\r\""));
        CHECK(contains(message, "CRLF"));
    }

    // With "#!/usr/bin/env bash\r" the exec succeeds: env runs and fails to find "bash\r".
    TEST_CASE("CRLF script behind env is named on exit 127") {
        TempDir dir;
        std::vector<std::string> command{dir.write("app", "#!/usr/bin/env sh\r\necho\r\n", 0755)};
        std::optional<std::string> warning = srinit::explain_child_exit(command, 127 << 8);
        REQUIRE(warning);
        CHECK(contains(*warning, "CRLF"));
        CHECK(contains(*warning, "\"#!/usr/bin/env sh\\r\""));
        CHECK(contains(*warning, command[0]));
    }

    TEST_CASE("exit 127 of an LF script is not explained") {
        TempDir dir;
        std::vector<std::string> command{dir.write("app", "#!/bin/sh\nexit 127\n", 0755)};
        CHECK_FALSE(srinit::explain_child_exit(command, 127 << 8));
    }

    TEST_CASE("CRLF script with another status is not explained") {
        TempDir dir;
        std::vector<std::string> command{dir.write("app", "#!/usr/bin/env sh\r\n", 0755)};
        CHECK_FALSE(srinit::explain_child_exit(command, 1 << 8));
        CHECK_FALSE(srinit::explain_child_exit(command, SIGTERM));
    }

    TEST_CASE("missing dynamic loader is named") {
        TempDir dir;
        std::vector<std::string> command{dir.write("app", std::string("\x7f" "ELF\2\1\1", 7), 0755)};
        srinit::ExecPlan plan(command);
        CHECK(contains(plan.describe({ENOENT, 0, 0}), "dynamic loader"));
    }

    TEST_CASE("directory is named") {
        TempDir dir;
        std::vector<std::string> command{dir.path};
        srinit::ExecPlan plan(command);
        CHECK(contains(plan.describe({EACCES, 0, 0}), "is a directory"));
    }

    TEST_CASE("permission denied suggests chmod") {
        TempDir dir;
        std::vector<std::string> command{dir.write("app", "#!/bin/sh\n", 0644)};
        srinit::ExecPlan plan(command);
        CHECK(contains(plan.describe({EACCES, 0, 0}), "chmod +x"));
    }

    TEST_CASE("PATH search names the path tried") {
        TempDir dir;
        dir.write("srinit-test-app", "#!/nonexistent/sh\n", 0755);
        const char* saved = std::getenv("PATH");
        std::string saved_path = saved != nullptr ? saved : "";
        ::setenv("PATH", ("/nonexistent:" + dir.path).c_str(), 1);
        std::vector<std::string> command{"srinit-test-app"};
        srinit::ExecPlan plan(command);
        if (saved != nullptr) {
            ::setenv("PATH", saved_path.c_str(), 1);
        } else {
            ::unsetenv("PATH");
        }

        std::string message = plan.describe({ENOENT, 1, 0});
        CHECK(contains(message, "\"srinit-test-app\" (" + dir.path + "/srinit-test-app)"));
        CHECK(contains(message, "/nonexistent/sh"));
    }
}
