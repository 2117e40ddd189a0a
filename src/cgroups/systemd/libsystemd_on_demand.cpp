// The sd-bus functions ocirt calls, loaded from libsystemd.so.0 the first time one is called.
//
// Written by hand because no library does it: Debian ships no static libsystemd, and linking the shared one
// maps it and six libraries it needs (libcap, libgcrypt, libgpg-error, liblzma, liblz4, libzstd) into every
// ocirt command, while only --systemd-cgroup talks to systemd. These definitions take the place of
// libsystemd's at link time; each forwards to the real function found with dlsym(3). The variadic ones
// forward to libsystemd's own va_list variants (sd_bus_message_appendv(3), ...readv, sd_bus_call_methodv).
#include <dlfcn.h>
#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdarg>

namespace {

void* libsystemd() {
    static void* handle = ::dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    return handle;
}

// The real `name` from libsystemd, or nullptr when the library or the symbol is missing.
template <class Function>
Function real(Function, const char* name) {
    void* handle = libsystemd();
    return handle ? reinterpret_cast<Function>(::dlsym(handle, name)) : nullptr;
}

}  // namespace

// Each function returns -ENOSYS (sd-bus's negative errno convention) when libsystemd cannot be loaded, so the
// caller's error names the step that needed systemd.
#define OCIRT_FORWARD(ret, name, params, args, fallback)           \
    extern "C" ret name params {                                   \
        static auto fn = real(static_cast<ret(*) params>(nullptr), #name); \
        if (!fn) return fallback;                                  \
        return fn args;                                            \
    }

OCIRT_FORWARD(int, sd_bus_new, (sd_bus * *ret), (ret), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_set_address, (sd_bus * bus, const char* address), (bus, address), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_set_bus_client, (sd_bus * bus, int b), (bus, b), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_start, (sd_bus * bus), (bus), -ENOSYS)
OCIRT_FORWARD(sd_bus*, sd_bus_flush_close_unref, (sd_bus * bus), (bus), nullptr)
OCIRT_FORWARD(int, sd_bus_process, (sd_bus * bus, sd_bus_message** r), (bus, r), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_wait, (sd_bus * bus, uint64_t timeout_usec), (bus, timeout_usec), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_call,
              (sd_bus * bus, sd_bus_message* m, uint64_t usec, sd_bus_error* ret_error, sd_bus_message** reply),
              (bus, m, usec, ret_error, reply), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_match_signal,
              (sd_bus * bus, sd_bus_slot** ret, const char* sender, const char* path, const char* interface,
               const char* member, sd_bus_message_handler_t callback, void* userdata),
              (bus, ret, sender, path, interface, member, callback, userdata), -ENOSYS)
OCIRT_FORWARD(sd_bus_slot*, sd_bus_slot_unref, (sd_bus_slot * slot), (slot), nullptr)
OCIRT_FORWARD(int, sd_bus_message_new_method_call,
              (sd_bus * bus, sd_bus_message** m, const char* destination, const char* path, const char* interface,
               const char* member),
              (bus, m, destination, path, interface, member), -ENOSYS)
OCIRT_FORWARD(sd_bus_message*, sd_bus_message_unref, (sd_bus_message * m), (m), nullptr)
OCIRT_FORWARD(int, sd_bus_message_open_container, (sd_bus_message * m, char type, const char* contents),
              (m, type, contents), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_message_close_container, (sd_bus_message * m), (m), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_message_append_basic, (sd_bus_message * m, char type, const void* p), (m, type, p),
              -ENOSYS)
OCIRT_FORWARD(int, sd_bus_message_append_array, (sd_bus_message * m, char type, const void* ptr, size_t size),
              (m, type, ptr, size), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_message_appendv, (sd_bus_message * m, const char* types, va_list ap), (m, types, ap),
              -ENOSYS)
OCIRT_FORWARD(int, sd_bus_message_readv, (sd_bus_message * m, const char* types, va_list ap), (m, types, ap),
              -ENOSYS)
OCIRT_FORWARD(int, sd_bus_call_methodv,
              (sd_bus * bus, const char* destination, const char* path, const char* interface, const char* member,
               sd_bus_error* ret_error, sd_bus_message** reply, const char* types, va_list ap),
              (bus, destination, path, interface, member, ret_error, reply, types, ap), -ENOSYS)
OCIRT_FORWARD(int, sd_bus_error_has_name, (const sd_bus_error* e, const char* name), (e, name), 0)

// sd_bus_error_free(3) with nothing set is a no-op, so an error that never left SD_BUS_ERROR_NULL needs no library.
extern "C" void sd_bus_error_free(sd_bus_error* e) {
    static auto fn = real(static_cast<void (*)(sd_bus_error*)>(nullptr), "sd_bus_error_free");
    if (fn) fn(e);
}

extern "C" int sd_bus_message_append(sd_bus_message* m, const char* types, ...) {
    va_list ap;
    va_start(ap, types);
    int r = sd_bus_message_appendv(m, types, ap);
    va_end(ap);
    return r;
}

extern "C" int sd_bus_message_read(sd_bus_message* m, const char* types, ...) {
    va_list ap;
    va_start(ap, types);
    int r = sd_bus_message_readv(m, types, ap);
    va_end(ap);
    return r;
}

extern "C" int sd_bus_call_method(sd_bus* bus, const char* destination, const char* path, const char* interface,
                                  const char* member, sd_bus_error* ret_error, sd_bus_message** reply,
                                  const char* types, ...) {
    va_list ap;
    va_start(ap, types);
    int r = sd_bus_call_methodv(bus, destination, path, interface, member, ret_error, reply, types, ap);
    va_end(ap);
    return r;
}
