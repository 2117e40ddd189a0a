#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/cli.hpp"
#include "cli/command_word.hpp"
#include "linux/protected_executable.hpp"

namespace {

// create, run and exec re-execute from a protected copy (linux/protected_executable.hpp). Doing it from
// .preinit_array, which static glibc calls with (argc, argv, envp) before the C++ runtime and the static
// objects are set up, spares the image left behind that work. dispatch() checks again and reports errors.
void reexecute_early(int argc, char** argv, char**) {
    int at = ocirt::cli::command_index(argc, argv);
    if (at < argc && ocirt::cli::enters_container(argv[at])) ocirt::linux_::try_run_from_protected_executable(argv);
}

[[gnu::section(".preinit_array"), gnu::used]] void (*const kReexecuteEarly)(int, char**, char**) = reexecute_early;

}  // namespace

int main(int argc, char** argv) {
    int code = ocirt::cli::dispatch(argc, argv);
    // Static destructors (the compiled schemas) only free memory that exit(2) returns anyway; skipping them
    // saves each command close to a millisecond. Buffered output is flushed first; log lines are unbuffered.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(code);
}
