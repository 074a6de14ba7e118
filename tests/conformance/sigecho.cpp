// The conformance suite's child: prints the number of each signal it receives, one per
// line, written at once with write(2), so a test can check what an init forwarded.
//
//   sigecho [-r READY_FILE] [-e SIGNAL] [-t SECONDS] [-f]
//
//   -r FILE    create FILE once every signal is blocked (and the grandchild of -f is ready)
//   -e SIGNAL  exit with status 0 after printing SIGNAL
//   -t SECONDS exit with status 3 when no exit signal came within SECONDS (default 30)
//   -f         fork a grandchild into the same process group. It prints "grandchild N" for
//              each signal N and exits on the same exit signal, and sigecho waits for it.
//
// Every disposition is reset to the default first and every signal is blocked, so an
// ignore inherited from the init does not hide a signal from sigtimedwait. SIGCHLD is left
// pending and never printed: it comes from the grandchild of -f, and no init forwards it.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

struct Settings {
    const char* ready_file = nullptr;
    int exit_signal = 0;
    int timeout_seconds = 30;
    bool fork_grandchild = false;
};

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: sigecho [-r READY_FILE] [-e SIGNAL] [-t SECONDS] [-f]\n");
    std::exit(2);
}

Settings parse_settings(int argc, char** argv) {
    Settings settings;
    int option = 0;
    while ((option = getopt(argc, argv, "r:e:t:f")) != -1) {
        switch (option) {
        case 'r':
            settings.ready_file = optarg;
            break;
        case 'e':
            settings.exit_signal = std::atoi(optarg);
            break;
        case 't':
            settings.timeout_seconds = std::atoi(optarg);
            break;
        case 'f':
            settings.fork_grandchild = true;
            break;
        default:
            usage();
        }
    }
    if (optind != argc || settings.timeout_seconds <= 0) {
        usage();
    }
    return settings;
}

// Resets every catchable signal to its default action and blocks all of them.
void block_all_signals() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int number = 1; number < NSIG; ++number) {
        sigaction(number, &action, nullptr); // fails for SIGKILL, SIGSTOP and glibc's own
    }
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, nullptr);
}

void print_signal(const char* prefix, int number) {
    const std::string line = prefix + std::to_string(number) + "\n";
    if (write(STDOUT_FILENO, line.data(), line.size()) < 0) {
        std::perror("sigecho: write to stdout failed");
    }
}

// Prints each signal until the exit signal; returns 0 after it, 3 on timeout.
int echo_signals(const Settings& settings, const char* prefix) {
    sigset_t all;
    sigfillset(&all);
    sigdelset(&all, SIGCHLD);
    const timespec timeout{settings.timeout_seconds, 0};
    for (;;) {
        const int number = sigtimedwait(&all, nullptr, &timeout);
        if (number < 0 && errno == EINTR) {
            continue;
        }
        if (number < 0) {
            std::fprintf(stderr, "sigecho: no exit signal within %d s\n", settings.timeout_seconds);
            return 3;
        }
        print_signal(prefix, number);
        if (number == settings.exit_signal) {
            return 0;
        }
    }
}

// Forks the grandchild of -f; returns its pid once it has written its ready byte.
pid_t fork_grandchild(const Settings& settings) {
    int ready_pipe[2];
    if (pipe(ready_pipe) != 0) {
        std::perror("sigecho: pipe failed");
        std::exit(1);
    }
    const pid_t pid = fork();
    if (pid < 0) {
        std::perror("sigecho: fork failed");
        std::exit(1);
    }
    if (pid == 0) {
        close(ready_pipe[0]);
        if (write(ready_pipe[1], "r", 1) != 1) {
            _exit(1);
        }
        close(ready_pipe[1]);
        _exit(echo_signals(settings, "grandchild "));
    }
    close(ready_pipe[1]);
    char byte = 0;
    if (read(ready_pipe[0], &byte, 1) != 1) {
        std::fprintf(stderr, "sigecho: the grandchild did not start\n");
        std::exit(1);
    }
    close(ready_pipe[0]);
    return pid;
}

void create_ready_file(const char* path) {
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        std::fprintf(stderr, "sigecho: open %s failed: %s\n", path, std::strerror(errno));
        std::exit(1);
    }
    close(fd);
}

} // namespace

int main(int argc, char** argv) {
    const Settings settings = parse_settings(argc, argv);
    block_all_signals();

    pid_t grandchild = 0;
    if (settings.fork_grandchild) {
        grandchild = fork_grandchild(settings);
    }
    if (settings.ready_file != nullptr) {
        create_ready_file(settings.ready_file);
    }

    int status = echo_signals(settings, "");
    if (grandchild > 0) {
        int grandchild_status = 0;
        while (waitpid(grandchild, &grandchild_status, 0) < 0 && errno == EINTR) {
        }
        if (status == 0 && !(WIFEXITED(grandchild_status) && WEXITSTATUS(grandchild_status) == 0)) {
            status = 4;
        }
    }
    return status;
}
