#include "cli/cli.hpp"

int main(int argc, char** argv) { return ocirt::cli::dispatch(argc, argv); }
