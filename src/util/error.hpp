#pragma once
// Error with a context chain: "create: init: mount \"proc\" on \"/proc\": Operation not permitted".
// An error about a config field also carries its JSON pointer, which the text shows once, ahead of the
// message: "create: /mounts/1/source: a bind mount needs a source".
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace ocirt {

class Error : public std::exception {
public:
    // `message` is the innermost text; `err` an errno (0 = none); `pointer` a JSON pointer for config problems,
    // shown in front of `message` unless a frame or the message already names it.
    explicit Error(std::string message, int err = 0, std::string pointer = {});
    Error(std::vector<std::string> frames, std::string message, int err, std::string pointer);

    // Adds an outer frame: Error("boom").context("mount") reads "mount: boom".
    Error& context(std::string frame) &;
    Error&& context(std::string frame) &&;

    const std::vector<std::string>& frames() const { return frames_; }
    const std::string& message() const { return message_; }
    int errno_value() const { return errno_; }
    const std::string& json_pointer() const { return pointer_; }
    std::string full() const;
    const char* what() const noexcept override { return text_.c_str(); }

private:
    void render();
    std::vector<std::string> frames_;  // outermost first
    std::string message_;
    int errno_;
    std::string pointer_;
    std::string text_;
};

// Error from the current errno: SysError("open \"/x\"") reads "open \"/x\": No such file or directory".
Error SysError(std::string what);
Error SysError(std::string what, int err);

// A config field that cannot be used: ConfigError("/mounts/1/source", "a bind mount needs a source").
Error ConfigError(std::string pointer, std::string message);

// Runs f(); an Error thrown inside gets `frame` added in front.
template <class F>
decltype(auto) with_context(const std::string& frame, F&& f) {
    try {
        return std::forward<F>(f)();
    } catch (Error& e) {
        e.context(frame);
        throw;
    }
}

std::string quoted(const std::string& s);
// For a non-const string, ahead of std::quoted (<iomanip>), which argument-dependent lookup also finds.
inline std::string quoted(std::string& s) { return quoted(static_cast<const std::string&>(s)); }

}  // namespace ocirt
