#include "shim/exec.hpp"

#include "shim/exit_status.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

extern char** environ;

namespace srinit {

namespace {

constexpr const char* shell_path = "/bin/sh";
constexpr const char* elf_magic = "\x7f" "ELF";
constexpr const char* default_path = "/bin:/usr/bin"; // glibc's confstr(_CS_PATH)

std::vector<std::string> search_path(const std::string& file) {
    if (file.find('/') != std::string::npos) {
        return {file};
    }
    const char* path = std::getenv("PATH");
    std::string entries = path != nullptr ? path : default_path;
    std::vector<std::string> candidates;
    size_t start = 0;
    while (start <= entries.size()) {
        size_t end = entries.find(':', start);
        end = end == std::string::npos ? entries.size() : end;
        std::string directory = entries.substr(start, end - start);
        // An empty entry is the current directory.
        candidates.push_back(directory.empty() ? file : directory + "/" + file);
        start = end + 1;
    }
    return candidates;
}

// Returns the first bytes of `path`, enough for a #! line; empty when unreadable.
std::string read_head(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return {};
    }
    char buffer[256];
    ssize_t count = ::read(fd, buffer, sizeof buffer);
    ::close(fd);
    return count > 0 ? std::string(buffer, static_cast<size_t>(count)) : std::string();
}

// Returns the interpreter of a #! line as the kernel reads it: up to a space, tab or newline,
// so a CR before the newline is part of it.
std::optional<std::string> shebang_interpreter(const std::string& head) {
    if (head.compare(0, 2, "#!") != 0) {
        return std::nullopt;
    }
    size_t start = head.find_first_not_of(" \t", 2);
    if (start == std::string::npos) {
        return std::string();
    }
    size_t end = head.find_first_of(" \t\n", start);
    return head.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string printable(const std::string& text) {
    std::string result;
    for (char c : text) {
        result += c == '\r' ? std::string("\\r") : std::string(1, c);
    }
    return result;
}

// Async-signal-safe, for the child.
bool starts_with_elf_magic(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    char magic[4] = {};
    bool elf = ::read(fd, magic, sizeof magic) == 4 && std::memcmp(magic, elf_magic, 4) == 0;
    ::close(fd);
    return elf;
}

bool is_kind(const std::string& path, mode_t kind) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 && (info.st_mode & S_IFMT) == kind;
}

std::string describe_missing_interpreter(const std::string& label, const std::string& path) {
    std::string head = read_head(path);
    if (auto interpreter = shebang_interpreter(head)) {
        if (!interpreter->empty() && interpreter->back() == '\r') {
            return "cannot run " + label + ": its #! line names \"" + printable(*interpreter) +
                   "\", so the script has CRLF (Windows) line endings; convert it to LF, such as "
                   "with dos2unix";
        }
        return "cannot run " + label + ": its interpreter \"" + *interpreter +
               "\" (from the #! line) was not found; install it in the image or fix the #! line";
    }
    if (head.compare(0, 4, elf_magic) == 0) {
        return "cannot run " + label + ": its ELF interpreter (the dynamic loader) was not found; "
               "link the program statically or add its C library to the image";
    }
    return "cannot run " + label + ": execve failed: " + std::strerror(ENOENT);
}

} // namespace

std::optional<std::string> explain_child_exit(const std::vector<std::string>& command,
                                              int wait_status) {
    if (command.empty() || !WIFEXITED(wait_status) ||
        WEXITSTATUS(wait_status) != exit_code::not_found) {
        return std::nullopt;
    }
    for (const std::string& path : search_path(command.front())) {
        if (!is_kind(path, S_IFREG)) {
            continue;
        }
        std::string head = read_head(path);
        std::string line = head.substr(0, head.find('\n'));
        if (line.compare(0, 2, "#!") != 0 || line.back() != '\r') {
            return std::nullopt;
        }
        return "the child exited with 127, and \"" + path + "\" has CRLF (Windows) line "
               "endings: its #! line \"" + printable(line) + "\" ends in a carriage return, "
               "which the interpreter took for part of a name; convert the script to LF, such "
               "as with dos2unix";
    }
    return std::nullopt;
}

ExecPlan::ExecPlan(const std::vector<std::string>& command)
    : m_command(command), m_candidates(search_path(command.at(0))) {
    for (const std::string& argument : command) {
        m_argv.push_back(const_cast<char*>(argument.c_str()));
    }
    m_argv.push_back(nullptr);

    m_shell_argv.push_back(const_cast<char*>(shell_path));
    m_shell_argv.push_back(nullptr); // the script's path, set in exec()
    m_shell_argv.insert(m_shell_argv.end(), m_argv.begin() + 1, m_argv.end());
}

ExecFailure ExecPlan::exec() {
    ExecFailure failure;
    int eacces_candidate = -1;
    for (size_t i = 0; i < m_candidates.size(); ++i) {
        char* path = const_cast<char*>(m_candidates[i].c_str());
        ::execve(path, m_argv.data(), environ);
        int error = errno;
        failure = {error, static_cast<int>(i), 0};
        if (error == ENOEXEC && starts_with_elf_magic(path)) {
            return failure; // a binary for another machine, which /bin/sh would misread
        }
        if (error == ENOEXEC) {
            m_shell_argv[1] = path;
            ::execve(shell_path, m_shell_argv.data(), environ);
            failure.shell_error = errno;
            return failure;
        }
        if (error == EACCES && eacces_candidate < 0) {
            eacces_candidate = static_cast<int>(i);
        }
        // The errors glibc's execvp skips to try the next PATH entry.
        bool try_next = error == EACCES || error == ENOENT || error == ENOTDIR || error == ESTALE ||
                        error == ENODEV || error == ETIMEDOUT;
        if (!try_next) {
            return failure;
        }
    }
    if (eacces_candidate >= 0) {
        failure = {EACCES, eacces_candidate, 0};
    }
    return failure;
}

bool ExecPlan::exists() const {
    return std::any_of(m_candidates.begin(), m_candidates.end(),
                       [](const std::string& path) { return ::access(path.c_str(), F_OK) == 0; });
}

int ExecPlan::exit_code(const ExecFailure& failure) {
    bool not_found = failure.error == ENOENT || failure.error == ENOTDIR;
    return not_found ? exit_code::not_found : exit_code::not_executable;
}

std::string ExecPlan::describe(const ExecFailure& failure) const {
    if (exit_code(failure) == exit_code::not_found) {
        return describe_not_found();
    }
    return describe_not_executable(failure);
}

std::string ExecPlan::describe_not_found() const {
    // A file that exists but gave ENOENT has a missing interpreter or dynamic loader. Any
    // path that gave EACCES would have been reported instead, so an existing regular file
    // among the paths is the one that failed.
    for (size_t i = 0; i < m_candidates.size(); ++i) {
        if (is_kind(m_candidates[i], S_IFREG)) {
            return describe_missing_interpreter(command_label({ENOENT, static_cast<int>(i), 0}),
                                                m_candidates[i]);
        }
    }
    const std::string& name = m_command.at(0);
    if (name.find('/') != std::string::npos) {
        return "command \"" + name + "\" not found; check the path inside the container";
    }
    const char* path = std::getenv("PATH");
    return "command \"" + name + "\" not found in PATH (" + (path != nullptr ? path : default_path) +
           "); check the name, or give its full path";
}

std::string ExecPlan::describe_not_executable(const ExecFailure& failure) const {
    std::string label = command_label(failure);
    const std::string& path = m_candidates.at(static_cast<size_t>(failure.candidate));
    if (failure.error == EACCES && is_kind(path, S_IFDIR)) {
        return "cannot run " + label + ": it is a directory";
    }
    if (failure.error == EACCES) {
        return "cannot run " + label + ": permission denied; make it executable (chmod +x) "
               "and check that its file system is not mounted noexec";
    }
    if (failure.error == ENOEXEC && failure.shell_error == 0) {
        return "cannot run " + label + ": it is an ELF binary this kernel cannot run, probably "
               "built for another architecture; build it for this machine";
    }
    if (failure.error == ENOEXEC) {
        return "cannot run " + label + ": it is not a binary this kernel can run and has no #! "
               "line, and running it with " + shell_path + " failed: " +
               std::strerror(failure.shell_error);
    }
    return "cannot run " + label + ": execve failed: " + std::strerror(failure.error);
}

std::string ExecPlan::command_label(const ExecFailure& failure) const {
    std::string label = "\"" + m_command.at(0) + "\"";
    if (failure.candidate < 0) {
        return label;
    }
    const std::string& path = m_candidates.at(static_cast<size_t>(failure.candidate));
    return path == m_command.at(0) ? label : label + " (" + path + ")";
}

} // namespace srinit
