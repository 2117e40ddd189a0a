#pragma once
// The list format of CPU and memory node numbers that runtime-spec 1.3 gives process.execCPUAffinity and
// linux.memoryPolicy.nodes (config.md, config-linux.md: "a comma-separated list, with dashes to represent
// ranges. For example, 0-3,7"), which is cpuset(7)'s "List format".
#include <string>
#include <string_view>
#include <vector>

namespace ocirt {

// "0-3,7" → {0, 1, 2, 3, 7}, sorted, without repeats; "" → {}. As runc reads it (and the kernel's
// bitmap_parselist): blanks around an element and empty elements ("1,,2", "1,") are allowed; a list that is
// not empty but names no number (",") is not. Numbers above `max` are refused. Throws Error naming `pointer`,
// with `what` ("CPU", "memory node") in the message.
std::vector<int> parse_id_list(const std::string& text, const std::string& pointer, std::string_view what, int max);

}  // namespace ocirt
