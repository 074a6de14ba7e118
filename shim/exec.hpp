// Running the child's command as execvp(3) does, with the PATH search done before clone so
// that the child only calls execve, and explaining an exec failure afterwards.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace srinit {

// An exec failure, as the child reports it through its pipe.
struct ExecFailure {
    int error = 0;        // errno as execvp would leave it
    int candidate = -1;   // index of the path that gave `error`
    int shell_error = 0;  // errno of /bin/sh, when the file was not a binary (ENOEXEC)
};

// Returns a warning when the child exited with 127 and `command` resolves to a script whose
// #! line ends in a carriage return: its interpreter, such as env(1) in "#!/usr/bin/env
// bash", ran but took the CR for part of a name. Returns nullopt otherwise.
std::optional<std::string> explain_child_exit(const std::vector<std::string>& command,
                                              int wait_status);

class ExecPlan {
  public:
    // Resolves `command[0]` into the paths execvp would try: itself when it contains '/',
    // else each PATH entry in order (glibc's default "/bin:/usr/bin" when PATH is unset).
    // `command` must outlive the plan and is not empty.
    explicit ExecPlan(const std::vector<std::string>& command);

    // Tries each path with execve and the current environment. A file the kernel cannot
    // run (ENOEXEC) is run by /bin/sh. Continues past EACCES, ENOENT and ENOTDIR as
    // execvp does, and reports EACCES when any path gave it. Returns only on failure.
    // Async-signal-safe: no allocation.
    ExecFailure exec();

    // Tells whether any path execve would try exists, so that a command that cannot be found
    // is reported before srinit changes anything.
    bool exists() const;

    // Returns 127 when the command or its interpreter was not found, else 126.
    // Async-signal-safe.
    static int exit_code(const ExecFailure& failure);

    // Explains `failure` in one line naming the command, the cause and the fix. Reads the
    // file's first line to name a missing #! interpreter.
    std::string describe(const ExecFailure& failure) const;

  private:
    std::string describe_not_found() const;
    std::string describe_not_executable(const ExecFailure& failure) const;
    std::string command_label(const ExecFailure& failure) const;

    const std::vector<std::string>& m_command;
    std::vector<std::string> m_candidates;
    std::vector<char*> m_argv;
    std::vector<char*> m_shell_argv; // "/bin/sh", the path, then argv[1..]
};

} // namespace srinit
