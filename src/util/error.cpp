#include "util/error.hpp"

#include <cerrno>
#include <cstring>

namespace ocirt {

Error::Error(std::string message, int err, std::string pointer)
    : message_(std::move(message)), errno_(err), pointer_(std::move(pointer)) {
    render();
}

Error::Error(std::vector<std::string> frames, std::string message, int err, std::string pointer)
    : frames_(std::move(frames)), message_(std::move(message)), errno_(err), pointer_(std::move(pointer)) {
    render();
}

Error& Error::context(std::string frame) & {
    frames_.insert(frames_.begin(), std::move(frame));
    render();
    return *this;
}

Error&& Error::context(std::string frame) && {
    context(std::move(frame));
    return std::move(*this);
}

std::string Error::full() const { return text_; }

void Error::render() {
    text_.clear();
    for (const auto& f : frames_) {
        text_ += f;
        text_ += ": ";
    }
    text_ += message_;
    if (errno_ != 0) {
        text_ += ": ";
        text_ += std::strerror(errno_);
    }
}

Error SysError(std::string what) { return Error(std::move(what), errno); }
Error SysError(std::string what, int err) { return Error(std::move(what), err); }

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace ocirt
