#include "cli/cli.hpp"
#include "util/error.hpp"

namespace ocirt::cli {

int cmd_check(const GlobalOptions&, const Args&) { throw Error("not implemented yet"); }

}  // namespace ocirt::cli
