#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "cli/cli.hpp"
#include "cli/command_word.hpp"
#include "linux/protected_executable.hpp"
#include "runtime/rootless.hpp"
#include "config/version.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {
namespace {

using Command = int (*)(const GlobalOptions&, const Args&);

struct CommandEntry {
    Command run;
    const char* summary;
};

const std::map<std::string, CommandEntry>& commands() {
    static const std::map<std::string, CommandEntry> table = {
        {"checkpoint", {cmd_checkpoint, "dump a running container with CRIU"}},
        {"check", {cmd_check, "validate a bundle's config.json and print every problem"}},
        {"create", {cmd_create, "create a container"}},
        {"events", {cmd_events, "print a container's resource usage and OOM events as JSON lines"}},
        {"delete", {cmd_delete, "delete a container and the resources it holds"}},
        {"exec", {cmd_exec, "run a new process inside a running container"}},
        {"features", {cmd_features, "print the features this build implements (runtime-spec features document)"}},
        {"kill", {cmd_kill, "send a signal to the container's init process"}},
        {"list", {cmd_list, "list containers started by ocirt with the given root"}},
        {"pause", {cmd_pause, "freeze every process of a container"}},
        {"ps", {cmd_ps, "list the processes running inside a container"}},
        {"resume", {cmd_resume, "thaw every process of a paused container"}},
        {"restore", {cmd_restore, "make a container from a bundle and a checkpoint, and run it"}},
        {"run", {cmd_run, "create and start a container"}},
        {"spec", {cmd_spec, "write a new default config.json"}},
        {"start", {cmd_start, "run the user process of a created container"}},
        {"state", {cmd_state, "print the state of a container"}},
        {"update", {cmd_update, "change the cgroup limits of a container"}},
    };
    return table;
}

po::options_description global_options(GlobalOptions& g) {
    po::options_description d("Global options");
    d.add_options()
        ("root", po::value(&g.root), "state directory (default /run/ocirt; $XDG_RUNTIME_DIR/ocirt when not root)")
        ("log", po::value(&g.log), "log file (default: stderr)")
        ("log-format", po::value(&g.log_format)->default_value("text"), "log format: text or json")
        ("debug", po::bool_switch(&g.debug), "log debug messages")
        ("systemd-cgroup", po::bool_switch(&g.systemd_cgroup), "use the systemd cgroup driver")
        ("rootless", po::value(&g.rootless)->default_value("auto"), "rootless mode: auto, true or false")
        ("criu", po::value(&g.criu)->default_value("criu"), "the criu binary checkpoint and restore run")
        ("help,h", "show this help")
        ("version,v", "print the version");
    return d;
}

void print_help(const po::options_description& d) {
    std::cout << "usage: ocirt [global options] <command> [command options]\n\nCommands:\n";
    for (const auto& [name, entry] : commands()) std::printf("  %-10s %s\n", name.c_str(), entry.summary);
    std::cout << "\n" << d << "\nRun 'ocirt <command> --help' for a command's options.\n";
}

}  // namespace

bool parse_command(const CommandSpec& spec, const Args& args, po::options_description& options,
                   const po::positional_options_description& positional, po::variables_map& out) {
    options.add_options()("help,h", "show this help");
    try {
        po::store(po::command_line_parser(args).options(options).positional(positional).run(), out);
        if (out.count("help")) {
            std::cout << "usage: ocirt " << spec.usage << "\n\n" << spec.description << "\n\n" << options;
            return false;
        }
        po::notify(out);
    } catch (const po::required_option& e) {
        std::string name = e.get_option_name();
        name.erase(0, name.find_first_not_of('-'));
        if (name == "id") name = "container ID";
        throw UsageError(std::string(spec.name) + ": missing " + name + " (usage: ocirt " + spec.usage + ")");
    } catch (const po::error& e) {
        throw UsageError(std::string(spec.name) + ": " + e.what() + " (usage: ocirt " + spec.usage + ")");
    }
    return true;
}

int dispatch(int argc, char** argv) {
    GlobalOptions g;
    auto desc = global_options(g);
    // program_options cannot stop at the first positional by itself, so argv is split here.
    int command_at = command_index(argc, argv);
    std::vector<std::string> global_words(argv + 1, argv + command_at);
    std::string command = command_at < argc ? argv[command_at] : "";
    Args rest(argv + std::min(command_at + 1, argc), argv + argc);

    po::variables_map vm;
    try {
        po::store(po::command_line_parser(global_words).options(desc).run(), vm);
        po::notify(vm);
        if (g.root.empty())
            g.root = runtime::default_state_root(::geteuid(), std::getenv("XDG_RUNTIME_DIR"),
                                                 runtime::in_user_namespace(), std::getenv("USER"));
        if (g.log_format != "text" && g.log_format != "json")
            throw UsageError("--log-format: must be \"text\" or \"json\", got " + ocirt::quoted(g.log_format));
    } catch (const po::error& e) {
        std::cerr << "ocirt: " << e.what() << "\n";
        return 1;
    } catch (const UsageError& e) {
        std::cerr << "ocirt: " << e.what() << "\n";
        return 1;
    }
    log::configure({g.log, g.log_format == "json" ? log::Format::json : log::Format::text, g.debug});

    if (vm.count("version")) {
        std::cout << "ocirt version " << OCIRT_VERSION << "\nspec: " << config::kOciVersion << "\n";
        // Whether /proc/self/exe could be written through (CVE-2019-5736): create, run and exec never run so.
        std::cout << "executable: " << (linux_::executable_is_protected() ? "protected" : "writable") << "\n";
        return 0;
    }
    if (vm.count("help") || command.empty()) {
        print_help(desc);
        return command.empty() && !vm.count("help") ? 1 : 0;
    }
    auto it = commands().find(command);
    if (it == commands().end()) {
        log::error("unknown command " + ocirt::quoted(command) + " (see 'ocirt --help')");
        return 1;
    }
    try {
        if (enters_container(command)) linux_::run_from_protected_executable(argv);
        return it->second.run(g, rest);
    } catch (const UsageError& e) {
        log::error(e.what());
        return 1;
    } catch (const Error& e) {
        log::error(command + ": " + e.full());
        return 1;
    } catch (const std::exception& e) {
        log::error(command + ": " + e.what());
        return 1;
    }
}

}  // namespace ocirt::cli
