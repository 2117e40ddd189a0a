#include "sync/message.hpp"

namespace ocirt::sync {

std::string_view to_string(MsgType type) {
    switch (type) {
        case MsgType::UsernsReady: return "UsernsReady";
        case MsgType::MapsWritten: return "MapsWritten";
        case MsgType::InitPid: return "InitPid";
        case MsgType::CgroupReady: return "CgroupReady";
        case MsgType::HooksPlease: return "HooksPlease";
        case MsgType::HooksDone: return "HooksDone";
        case MsgType::SeccompFd: return "SeccompFd";
        case MsgType::Ready: return "Ready";
        case MsgType::Log: return "Log";
        case MsgType::Fail: return "Fail";
        case MsgType::NetDevicesPlease: return "NetDevicesPlease";
        case MsgType::NetDevicesMoved: return "NetDevicesMoved";
    }
    return "unknown message";
}

Message Message::plain(MsgType type) {
    Message m;
    m.type = type;
    return m;
}

Message Message::init_pid(pid_t pid) {
    Message m = plain(MsgType::InitPid);
    m.payload = {{"pid", pid}};
    return m;
}

Message Message::log(log::Level level, std::string text) {
    Message m = plain(MsgType::Log);
    m.payload = {{"level", static_cast<int>(level)}, {"msg", std::move(text)}};
    return m;
}

Message Message::fail(const Error& error) {
    Message m = plain(MsgType::Fail);
    m.payload = {{"errno", error.errno_value()},
                 {"frames", error.frames()},
                 {"message", error.message()},
                 {"pointer", error.json_pointer()}};
    return m;
}

Message Message::with_fd(MsgType type, UniqueFd fd) {
    Message m = plain(type);
    m.fds.push_back(std::move(fd));
    return m;
}

pid_t Message::pid() const { return payload.value("pid", pid_t{-1}); }

log::Level Message::log_level() const {
    int level = payload.value("level", static_cast<int>(log::Level::info));
    if (level < static_cast<int>(log::Level::debug) || level > static_cast<int>(log::Level::error))
        return log::Level::info;
    return static_cast<log::Level>(level);
}

std::string Message::log_text() const { return payload.value("msg", std::string()); }

Error Message::error() const {
    return Error(payload.value("frames", std::vector<std::string>{}), payload.value("message", std::string("unknown error")),
                 payload.value("errno", 0), payload.value("pointer", std::string()));
}

}  // namespace ocirt::sync
