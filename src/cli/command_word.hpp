#pragma once
// Where ocirt's command word sits in argv: after the global flags, of which those below take the next word
// as their value unless written --flag=value. src/entry.cpp does the same without the C library, from the same
// lists (cli/command_word_lists.hpp).
#include <array>
#include <string_view>

#include "cli/command_word_lists.hpp"

namespace ocirt::cli {

#define OCIRT_AS_ELEMENT(word) std::string_view{word},
inline constexpr std::array kValuedGlobalFlags{OCIRT_VALUED_GLOBAL_FLAGS(OCIRT_AS_ELEMENT)};

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
inline constexpr std::array kCommandsEnteringContainer{OCIRT_COMMANDS_ENTERING_CONTAINER(OCIRT_AS_ELEMENT)};
#undef OCIRT_AS_ELEMENT

inline bool enters_container(std::string_view command) {
    for (auto word : kCommandsEnteringContainer)
        if (command == word) return true;
    return false;
}

}  // namespace ocirt::cli
