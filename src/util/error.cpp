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

namespace {

bool continues_pointer(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '~' || c == '_' ||
           c == '-';
}

// `text` holds `pointer` whole, not as part of a longer pointer ("/process/args" is not in "/process/argsx").
bool names_pointer(const std::string& text, const std::string& pointer) {
    for (size_t at = text.find(pointer); at != std::string::npos; at = text.find(pointer, at + 1)) {
        size_t end = at + pointer.size();
        if ((at == 0 || !continues_pointer(text[at - 1])) && (end == text.size() || !continues_pointer(text[end])))
            return true;
    }
    return false;
}

}  // namespace

void Error::render() {
    text_.clear();
    bool pointer_shown = pointer_.empty() || names_pointer(message_, pointer_);
    for (const auto& f : frames_) {
        text_ += f;
        text_ += ": ";
        pointer_shown = pointer_shown || names_pointer(f, pointer_);
    }
    if (!pointer_shown) {
        text_ += pointer_;
        text_ += ": ";
    }
    text_ += message_;
    if (errno_ != 0) {
        text_ += ": ";
        text_ += std::strerror(errno_);
    }
}

Error ConfigError(std::string pointer, std::string message) { return Error(std::move(message), 0, std::move(pointer)); }

Error SysError(std::string what) { return Error(std::move(what), errno); }
Error SysError(std::string what, int err) { return Error(std::move(what), err); }

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace ocirt
