#pragma once
// The flags `checkpoint` and `restore` share (runc's names), into runtime::CriuRequest.
#include <boost/program_options.hpp>

#include "cli/cli.hpp"
#include "runtime/checkpoint.hpp"

namespace ocirt::cli {

void add_criu_options(boost::program_options::options_description& options, runtime::CriuRequest& request);

}  // namespace ocirt::cli
