#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
    int code = ocirt::cli::dispatch(argc, argv);
    // Static destructors (the parsed schemas) only free memory that exit(2) returns anyway; skipping them
    // saves each command close to a millisecond. Buffered output is flushed first; log lines are unbuffered.
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    ::_exit(code);
}
