#pragma once
// Memory sizes as runc's update flags take them (docker/go-units RAMInBytes): a decimal number, an
// optional space, and an optional unit k, m, g, t or p (any case, powers of 1024) followed by an optional
// "i" and "b": "512m", "1.5GiB", "4096", "64 KB".
#include <cstdint>
#include <string>

namespace ocirt {

// Throws Error naming the text when it is not such a size or does not fit in int64.
int64_t parse_ram_size(const std::string& text);

}  // namespace ocirt
