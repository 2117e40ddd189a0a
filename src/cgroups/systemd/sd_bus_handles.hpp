#pragma once
// Owning handles for libsystemd's sd-bus objects (sd-bus(3)): each releases its reference when it goes.
#include <systemd/sd-bus.h>

#include <memory>

namespace ocirt::cgroups {

struct BusCloser {
    void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
struct MessageUnref {
    void operator()(sd_bus_message* message) const { sd_bus_message_unref(message); }
};
struct SlotUnref {
    void operator()(sd_bus_slot* slot) const { sd_bus_slot_unref(slot); }
};

using BusPtr = std::unique_ptr<sd_bus, BusCloser>;
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;
using SlotPtr = std::unique_ptr<sd_bus_slot, SlotUnref>;

// sd_bus_error(3) that frees its name and message.
class BusError {
public:
    BusError() = default;
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;
    ~BusError() { sd_bus_error_free(&error_); }
    sd_bus_error* get() { return &error_; }
    bool has_name(const char* name) const { return sd_bus_error_has_name(&error_, name); }
    const char* name() const { return error_.name; }
    const char* message() const { return error_.message; }

private:
    sd_bus_error error_ = SD_BUS_ERROR_NULL;
};

}  // namespace ocirt::cgroups
