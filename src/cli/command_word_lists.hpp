#pragma once
// The words both cli/command_word.hpp and src/entry.cpp match, written once. They are macros that expand to
// string literals in place because entry.cpp runs before glibc relocates the binary: a table of pointers in
// data would not be relocated yet, a literal compared in code is.

// The global flags that take the next word as their value unless written --flag=value.
#define OCIRT_VALUED_GLOBAL_FLAGS(X) X("--root") X("--log") X("--log-format") X("--rootless") X("--criu")

// The commands that put a process into a container, which run from a protected copy (CVE-2019-5736).
#define OCIRT_COMMANDS_ENTERING_CONTAINER(X) X("create") X("run") X("exec") X("restore")
