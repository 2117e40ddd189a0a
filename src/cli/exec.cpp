#include <string_view>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/exec.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {
namespace {

constexpr const char* kUsage = "exec [options] <container-id> [command [args...]]";

// Words after the container ID are the command's own, never our flags (as runc's exec): split them off
// first. Flags that take a value consume the next word unless written as --flag=value.
std::pair<Args, Args> split_command(const Args& args) {
    static constexpr std::string_view kValued[] = {"--process", "-p",       "--console-socket", "--pid-file",
                                                   "--cwd",     "--env",    "-e",               "--user",
                                                   "-u",        "--additional-gids", "-g",      "--cap",
                                                   "-c",        "--preserve-fds"};
    Args flags;
    size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--") {
            ++i;
            break;
        }
        if (word.empty() || word[0] != '-') break;
        flags.push_back(word);
        for (auto valued : kValued)
            if (word == valued && i + 1 < args.size()) {
                flags.push_back(args[++i]);
                break;
            }
    }
    if (i < args.size()) flags.push_back(args[i++]);  // the container ID
    if (i < args.size() && args[i] == "--") ++i;
    return {flags, Args(args.begin() + static_cast<std::ptrdiff_t>(i), args.end())};
}

}  // namespace

int cmd_exec(const GlobalOptions& global, const Args& args) {
    runtime::ExecRequest request;
    std::string cwd, user;
    po::options_description options("exec options");
    options.add_options()
        ("process,p", po::value(&request.process_file), "runtime-spec Process JSON to run (instead of a command)")
        ("detach,d", po::bool_switch(&request.detach), "do not wait for the process; the caller reaps it")
        ("tty,t", po::bool_switch(&request.tty), "allocate a pseudo-terminal: its master goes to --console-socket, or is copied to our stdio in the foreground")
        ("cwd", po::value(&cwd), "working directory inside the container")
        ("env,e", po::value(&request.env)->composing(), "KEY=VALUE added to the environment (repeatable)")
        ("user,u", po::value(&user), "uid[:gid] inside the container")
        ("additional-gids,g", po::value(&request.additional_gids)->composing(), "an additional gid (repeatable)")
        ("cap,c", po::value(&request.capabilities)->composing(), "a capability to add (repeatable)")
        ("no-new-privs", po::bool_switch(&request.no_new_privileges), "set no_new_privileges");
    add_process_start_options(options, request, "the process's");
    po::positional_options_description positional;
    add_container_id(options, positional, request.id);
    auto [flags, command] = split_command(args);
    po::variables_map vm;
    if (!parse_command({"exec", kUsage, "run a new process inside a running container"}, flags, options, positional, vm))
        return 0;
    check_process_start_options("exec", request.preserve_fds);
    if (request.process_file.empty() && command.empty())
        throw UsageError(std::string("exec: missing the command or --process (usage: ocirt ") + kUsage + ")");
    if (!request.process_file.empty() && !command.empty())
        throw UsageError("exec: give either --process or a command, not both");
    for (const auto& entry : request.env)
        if (entry.find('=') == std::string::npos || entry.front() == '=')
            throw UsageError("exec: --env " + entry + ": must be KEY=VALUE");
    if (vm.count("cwd")) request.cwd = cwd;
    if (vm.count("user")) request.user = user;
    request.args = std::move(command);
    request.root = global.root;
    return runtime::exec_process(request);
}

}  // namespace ocirt::cli
