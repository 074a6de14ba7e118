// The conformance suite's child for reaping tests. It makes orphans (processes whose
// parent exited, so that the init inherits them) and checks from inside the PID namespace
// that the init reaped them.
//
//   spawn_orphans reap COUNT     makes COUNT orphans that exit after 50 ms. Exits 0 once
//                                /proc lists no process but the init and itself, or 1
//                                when some are left after 5 s; their pids and states go
//                                to stderr.
//   spawn_orphans race STATUS    makes one orphan that exits at the same moment as this
//                                process, which exits with STATUS. The init gets both
//                                exits from one SIGCHLD.
#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

// Forks a process that forks the orphan and exits at once, and reaps that process.
// `orphan_body` runs in the orphan and never returns.
template <typename Body>
void spawn_orphan(Body orphan_body) {
    const pid_t middle = fork();
    if (middle < 0) {
        std::perror("spawn_orphans: fork failed");
        std::exit(1);
    }
    if (middle == 0) {
        const pid_t orphan = fork();
        if (orphan == 0) {
            orphan_body();
        }
        _exit(orphan < 0 ? 1 : 0);
    }
    int status = 0;
    waitpid(middle, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "spawn_orphans: fork of an orphan failed\n");
        std::exit(1);
    }
}

// Lists "pid state" for every process in /proc but PID 1 and this one.
std::vector<std::string> list_other_processes() {
    std::vector<std::string> others;
    DIR* proc = opendir("/proc");
    if (proc == nullptr) {
        std::perror("spawn_orphans: opendir /proc failed");
        std::exit(1);
    }
    const std::string self = std::to_string(getpid());
    while (const dirent* entry = readdir(proc)) {
        const std::string name = entry->d_name;
        if (name.find_first_not_of("0123456789") != std::string::npos || name == "1" ||
            name == self) {
            continue;
        }
        // /proc/PID/stat is "pid (comm) state ..."; comm may contain spaces and ')'.
        std::ifstream stat("/proc/" + name + "/stat");
        std::string line;
        if (!std::getline(stat, line)) {
            continue; // the process was reaped between readdir and open
        }
        const auto close_paren = line.rfind(')');
        const char state = close_paren + 2 < line.size() ? line[close_paren + 2] : '?';
        others.push_back(name + " " + state);
    }
    closedir(proc);
    return others;
}

int reap_orphans(int count) {
    for (int i = 0; i < count; ++i) {
        spawn_orphan([] {
            usleep(50 * 1000);
            _exit(0);
        });
    }

    std::vector<std::string> others;
    for (int attempt = 0; attempt < 500; ++attempt) {
        others = list_other_processes();
        if (others.empty()) {
            std::printf("reaped %d orphans\n", count);
            return 0;
        }
        usleep(10 * 1000);
    }
    std::fprintf(stderr, "spawn_orphans: %zu processes left after 5 s (pid state):",
                 others.size());
    for (const auto& other : others) {
        std::fprintf(stderr, " [%s]", other.c_str());
    }
    std::fprintf(stderr, "\n");
    return 1;
}

// The orphan blocks reading a pipe whose only write end this process holds, so it exits
// when this process does: both exits reach the init within microseconds.
int race_orphan(int status) {
    int exit_pipe[2];
    if (pipe(exit_pipe) != 0) {
        std::perror("spawn_orphans: pipe failed");
        return 1;
    }
    spawn_orphan([&exit_pipe] {
        close(exit_pipe[1]);
        char byte = 0;
        while (read(exit_pipe[0], &byte, 1) > 0) {
        }
        _exit(0);
    });
    close(exit_pipe[0]);
    _exit(status);
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: spawn_orphans reap COUNT | spawn_orphans race STATUS\n");
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        usage();
    }
    const int number = std::atoi(argv[2]);
    if (std::strcmp(argv[1], "reap") == 0 && number > 0) {
        return reap_orphans(number);
    }
    if (std::strcmp(argv[1], "race") == 0 && number >= 0 && number <= 255) {
        return race_orphan(number);
    }
    usage();
}
