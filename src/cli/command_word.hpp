#pragma once
// Where ocirt's command word sits in argv: after the global flags, of which those below take the next word
// as their value unless written --flag=value. src/entry.cpp repeats both functions without the C library.
#include <array>
#include <string_view>

namespace ocirt::cli {

inline constexpr std::array<std::string_view, 4> kValuedGlobalFlags{"--root", "--log", "--log-format", "--rootless"};

// The index of the command word in argv; argc when there is none.
inline int command_index(int argc, char** argv) {
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view word = argv[i];
        if (word.empty() || word[0] != '-') break;
        for (auto flag : kValuedGlobalFlags)
            if (word == flag && i + 1 < argc) {
                ++i;
                break;
            }
    }
    return i;
}

// The commands that put a process into a container, which run from a protected copy (CVE-2019-5736).
inline bool enters_container(std::string_view command) {
    return command == "create" || command == "run" || command == "exec";
}

}  // namespace ocirt::cli
