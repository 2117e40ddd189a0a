#include <doctest/doctest.h>
#include <linux/bpf.h>

#include <cstring>
#include <string>
#include <vector>

#include "cgroups/bpf_device_program.hpp"
#include "cgroups/default_device_rules.hpp"
#include "util/error.hpp"

using namespace ocirt::cgroups;
using ocirt::config::DeviceCgroupRule;

namespace {

// Runs the program the way the kernel would for one access, on the instructions the emitter may use;
// anything else fails the test.
int run(const std::vector<bpf_insn>& program, char type, uint32_t major, uint32_t minor, const std::string& access) {
    uint32_t bits = 0;
    for (char ch : access) bits |= ch == 'm' ? BPF_DEVCG_ACC_MKNOD : ch == 'r' ? BPF_DEVCG_ACC_READ : BPF_DEVCG_ACC_WRITE;
    bpf_cgroup_dev_ctx ctx{(bits << 16) | (type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR), major, minor};
    uint64_t reg[11] = {};
    reg[1] = reinterpret_cast<uintptr_t>(&ctx);
    for (size_t pc = 0; pc < program.size(); ++pc) {
        const bpf_insn& i = program[pc];
        uint32_t dst32 = static_cast<uint32_t>(reg[i.dst_reg]);
        switch (i.code) {
            case BPF_LDX | BPF_MEM | BPF_W: {
                REQUIRE(i.src_reg == 1);  // only the context is read, and before R1 is reused
                REQUIRE(i.off >= 0);
                REQUIRE(static_cast<size_t>(i.off) + 4 <= sizeof ctx);
                uint32_t v;
                std::memcpy(&v, reinterpret_cast<const char*>(&ctx) + i.off, 4);
                reg[i.dst_reg] = v;
                break;
            }
            case BPF_ALU | BPF_MOV | BPF_X: reg[i.dst_reg] = static_cast<uint32_t>(reg[i.src_reg]); break;
            case BPF_ALU | BPF_RSH | BPF_K: reg[i.dst_reg] = dst32 >> i.imm; break;
            case BPF_ALU | BPF_AND | BPF_K: reg[i.dst_reg] = dst32 & static_cast<uint32_t>(i.imm); break;
            case BPF_ALU64 | BPF_MOV | BPF_K: reg[i.dst_reg] = static_cast<uint64_t>(static_cast<int64_t>(i.imm)); break;
            case BPF_JMP32 | BPF_JNE | BPF_K:
            case BPF_JMP32 | BPF_JEQ | BPF_K: {
                bool equal = dst32 == static_cast<uint32_t>(i.imm);
                bool taken = (i.code & 0xf0) == BPF_JEQ ? equal : !equal;
                REQUIRE(i.off >= 0);
                REQUIRE(pc + 1 + i.off < program.size());
                if (taken) pc += i.off;
                break;
            }
            case BPF_JMP | BPF_EXIT: return static_cast<int>(reg[0]);
            default: FAIL("unexpected opcode " << int(i.code) << " at " << pc);
        }
    }
    FAIL("the program ran off its end");
    return -1;
}

DeviceCgroupRule rule(bool allow, std::optional<std::string> type, std::optional<int64_t> major,
                      std::optional<int64_t> minor, std::optional<std::string> access) {
    return {allow, std::move(type), major, minor, std::move(access)};
}

const DeviceCgroupRule kDenyAll = rule(false, std::nullopt, std::nullopt, std::nullopt, "rwm");

}  // namespace

TEST_CASE("cgroups device program: no rule denies everything") {
    auto p = device_program({});
    CHECK(run(p, 'c', 1, 3, "r") == 0);
    CHECK(run(p, 'b', 8, 0, "rwm") == 0);
}

TEST_CASE("cgroups device program: the last matching rule wins") {
    auto p = device_program({kDenyAll, rule(true, "c", 1, 3, "rwm"), rule(false, "c", 1, 3, "w")});
    CHECK(run(p, 'c', 1, 3, "r") == 1);
    CHECK(run(p, 'c', 1, 3, "m") == 1);
    CHECK(run(p, 'c', 1, 3, "w") == 0);
    CHECK(run(p, 'c', 1, 3, "rw") == 0);  // every bit asked for must be allowed
    CHECK(run(p, 'c', 1, 5, "r") == 0);
    CHECK(run(p, 'b', 1, 3, "r") == 0);  // type matters
    auto q = device_program({rule(true, "a", std::nullopt, std::nullopt, "rwm"), rule(false, "c", 1, 3, "w"),
                             rule(true, "c", 1, 3, std::nullopt)});
    CHECK(run(q, 'c', 1, 3, "rw") == 1);
    CHECK(run(q, 'b', 8, 0, "rwm") == 1);
}

TEST_CASE("cgroups device program: bits are decided one by one across rules") {
    auto p = device_program({rule(true, "c", 4, std::nullopt, "r"), rule(true, "c", std::nullopt, 7, "w")});
    CHECK(run(p, 'c', 4, 7, "rw") == 1);  // r from the first rule, w from the second
    CHECK(run(p, 'c', 4, 8, "rw") == 0);
    CHECK(run(p, 'c', 5, 7, "w") == 1);
    CHECK(run(p, 'c', 4, 7, "m") == 0);
}

TEST_CASE("cgroups device program: wildcards, type a and negative numbers") {
    auto p = device_program({rule(true, "c", 136, -1, "rw"), rule(true, "b", std::nullopt, std::nullopt, "m"),
                             rule(true, std::nullopt, 10, 200, "r")});
    CHECK(run(p, 'c', 136, 5, "rw") == 1);
    CHECK(run(p, 'c', 137, 5, "r") == 0);
    CHECK(run(p, 'b', 259, 1, "m") == 1);
    CHECK(run(p, 'b', 259, 1, "r") == 0);
    CHECK(run(p, 'b', 10, 200, "r") == 1);
    CHECK(run(p, 'c', 10, 200, "r") == 1);
    CHECK(run(p, 'c', 10, 200, "w") == 0);
}

TEST_CASE("cgroups device program: an empty access matches nothing") {
    auto p = device_program({rule(true, "a", std::nullopt, std::nullopt, "rwm"), rule(false, "c", 1, 3, "")});
    CHECK(run(p, 'c', 1, 3, "rw") == 1);
}

TEST_CASE("cgroups device program: runc's default rules come last and win") {
    auto rules = with_default_device_rules({kDenyAll, rule(false, "c", 1, 3, "rwm")}, {});
    auto p = device_program(rules);
    CHECK(run(p, 'c', 1, 3, "rw") == 1);    // /dev/null
    CHECK(run(p, 'c', 1, 9, "r") == 1);     // /dev/urandom
    CHECK(run(p, 'c', 136, 0, "rw") == 1);  // a pts
    CHECK(run(p, 'c', 5, 2, "rw") == 1);    // /dev/ptmx
    CHECK(run(p, 'c', 10, 200, "rw") == 1); // /dev/net/tun
    CHECK(run(p, 'b', 8, 0, "m") == 1);     // mknod of anything
    CHECK(run(p, 'b', 8, 0, "r") == 0);
    CHECK(run(p, 'c', 1, 1, "r") == 0);     // /dev/mem
    CHECK(run(p, 'c', 1, 11, "w") == 0);    // /dev/kmsg
}

TEST_CASE("cgroups device program: a default whose path linux.devices lists is left to the config") {
    ocirt::config::LinuxDevice null_device;
    null_device.path = "/dev/null";
    null_device.type = "c";
    auto rules = with_default_device_rules({kDenyAll}, {null_device});
    CHECK(run(device_program(rules), 'c', 1, 3, "r") == 0);
    CHECK(run(device_program(rules), 'c', 1, 5, "r") == 1);
    CHECK(rules.size() == 1 + 10);
    CHECK(with_default_device_rules({}, {}).size() == 11);
}

TEST_CASE("cgroups device program: a default device that linux.devices lists again keeps its access") {
    ocirt::config::LinuxDevice null_device;
    null_device.path = "/dev/null";
    null_device.type = "c";
    null_device.major = 1;
    null_device.minor = 3;
    auto rules = with_default_device_rules({kDenyAll}, {null_device});
    CHECK(run(device_program(rules), 'c', 1, 3, "rw") == 1);
    CHECK(rules.size() == 1 + 11);
}

TEST_CASE("cgroups device program: invalid rules are errors naming their field") {
    auto pointer_of = [](const std::vector<DeviceCgroupRule>& rules) {
        try {
            device_program(rules);
        } catch (const ocirt::Error& e) {
            return e.json_pointer();
        }
        return std::string("(no error)");
    };
    CHECK(pointer_of({kDenyAll, rule(true, "u", 1, 3, "r")}) == "/linux/resources/devices/1/type");
    CHECK(pointer_of({rule(true, "c", 1, 3, "rx")}) == "/linux/resources/devices/0/access");
    CHECK(pointer_of({rule(true, "c", int64_t(1) << 33, 3, "r")}) == "/linux/resources/devices/0/major");
}
