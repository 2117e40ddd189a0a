#pragma once
// The runc-compatible command line. dispatch() parses the global flags and hands the rest to one
// subcommand; each subcommand lives in its own file and only turns flags into a call on runtime/.
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace ocirt::cli {

struct GlobalOptions {
    std::string root;        // --root; "" until resolved (default /run/ocirt)
    std::string log;         // --log FILE
    std::string log_format;  // --log-format text|json
    bool debug = false;
    bool systemd_cgroup = false;
    std::string rootless;    // --rootless auto|true|false
    std::string criu;        // --criu: the criu binary of checkpoint and restore
};

using Args = std::vector<std::string>;  // the subcommand's own arguments (after its name)

// A usage problem: printed with the command's usage hint, exit code 1.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses `args` for one subcommand. `positional` names the positional options in order (the last may
// repeat when `max_count` of it is -1). Prints help and returns false when --help/-h was given.
struct CommandSpec {
    const char* name;
    const char* usage;        // "create [options] <container-id>"
    const char* description;  // one line
};
bool parse_command(const CommandSpec& spec, const Args& args, boost::program_options::options_description& options,
                   const boost::program_options::positional_options_description& positional,
                   boost::program_options::variables_map& out);

int dispatch(int argc, char** argv);

// Subcommands (src/cli/<name>.cpp). Each returns the process exit code.
int cmd_check(const GlobalOptions&, const Args&);
int cmd_create(const GlobalOptions&, const Args&);
int cmd_start(const GlobalOptions&, const Args&);
int cmd_run(const GlobalOptions&, const Args&);
int cmd_state(const GlobalOptions&, const Args&);
int cmd_kill(const GlobalOptions&, const Args&);
int cmd_delete(const GlobalOptions&, const Args&);
int cmd_list(const GlobalOptions&, const Args&);
int cmd_spec(const GlobalOptions&, const Args&);
int cmd_exec(const GlobalOptions&, const Args&);
int cmd_ps(const GlobalOptions&, const Args&);
int cmd_pause(const GlobalOptions&, const Args&);
int cmd_resume(const GlobalOptions&, const Args&);
int cmd_update(const GlobalOptions&, const Args&);
int cmd_events(const GlobalOptions&, const Args&);
int cmd_features(const GlobalOptions&, const Args&);
int cmd_checkpoint(const GlobalOptions&, const Args&);
int cmd_restore(const GlobalOptions&, const Args&);

}  // namespace ocirt::cli
