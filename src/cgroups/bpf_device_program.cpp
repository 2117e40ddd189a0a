#include "cgroups/bpf_device_program.hpp"

#include <cstdint>
#include <limits>

#include "util/error.hpp"

namespace ocirt::cgroups {
namespace {

// Registers: R1 holds the struct bpf_cgroup_dev_ctx pointer on entry; R0 is the verdict (1 allow, 0 deny).
constexpr uint8_t kVerdict = BPF_REG_0;
constexpr uint8_t kContext = BPF_REG_1;
constexpr uint8_t kScratch = BPF_REG_1;  // free once the context is read
constexpr uint8_t kType = BPF_REG_2;
constexpr uint8_t kPending = BPF_REG_3;  // access bits asked for and not yet allowed
constexpr uint8_t kMajor = BPF_REG_4;
constexpr uint8_t kMinor = BPF_REG_5;

bpf_insn instruction(uint8_t code, uint8_t dst, uint8_t src, int16_t offset, int32_t imm) {
    bpf_insn insn{};
    insn.code = code;
    insn.dst_reg = dst & 0xf;
    insn.src_reg = src & 0xf;
    insn.off = offset;
    insn.imm = imm;
    return insn;
}

bpf_insn load_u32(uint8_t dst, uint8_t base, int16_t offset) {
    return instruction(BPF_LDX | BPF_MEM | BPF_W, dst, base, offset, 0);
}
bpf_insn mov32_reg(uint8_t dst, uint8_t src) { return instruction(BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0); }
bpf_insn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) { return instruction(BPF_ALU | op | BPF_K, dst, 0, 0, imm); }
bpf_insn mov64_imm(uint8_t dst, int32_t imm) { return instruction(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
// 32-bit compares (BPF_JMP32, Linux 5.1): the context fields are __u32.
bpf_insn jump32_imm(uint8_t op, uint8_t dst, int32_t imm) { return instruction(BPF_JMP32 | op | BPF_K, dst, 0, 0, imm); }
bpf_insn exit_insn() { return instruction(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

struct Rule {
    std::optional<int32_t> type;  // BPF_DEVCG_DEV_*; nullopt for "a"
    std::optional<uint32_t> major;
    std::optional<uint32_t> minor;
    int32_t access = 0;  // BPF_DEVCG_ACC_* bits
    bool allow = false;
};

std::optional<uint32_t> device_number(const std::optional<int64_t>& n, const std::string& pointer) {
    if (!n || *n < 0) return std::nullopt;
    if (*n > std::numeric_limits<uint32_t>::max())
        throw ConfigError(pointer, std::to_string(*n) + " is not a device number");
    return static_cast<uint32_t>(*n);
}

Rule parse_rule(const config::DeviceCgroupRule& r, const std::string& pointer) {
    Rule rule;
    rule.allow = r.allow;
    std::string type = r.type.value_or("a");
    if (type == "b") rule.type = BPF_DEVCG_DEV_BLOCK;
    else if (type == "c") rule.type = BPF_DEVCG_DEV_CHAR;
    else if (type != "a")
        throw ConfigError(pointer + "/type", ocirt::quoted(type) + " is not a, b or c");
    rule.major = device_number(r.major, pointer + "/major");
    rule.minor = device_number(r.minor, pointer + "/minor");
    for (char ch : r.access.value_or("rwm")) {
        if (ch == 'r') rule.access |= BPF_DEVCG_ACC_READ;
        else if (ch == 'w') rule.access |= BPF_DEVCG_ACC_WRITE;
        else if (ch == 'm') rule.access |= BPF_DEVCG_ACC_MKNOD;
        else
            throw ConfigError(pointer + "/access", ocirt::quoted(*r.access) + " is not made of r, w and m");
    }
    return rule;
}

class Program {
public:
    Program() {
        // struct bpf_cgroup_dev_ctx { __u32 access_type; __u32 major; __u32 minor; }, access_type being
        // (BPF_DEVCG_ACC_* << 16) | BPF_DEVCG_DEV_* (linux/bpf.h).
        emit(load_u32(kType, kContext, 0));
        emit(mov32_reg(kPending, kType));
        emit(alu32_imm(BPF_RSH, kPending, 16));
        emit(alu32_imm(BPF_AND, kType, 0xffff));
        emit(load_u32(kMajor, kContext, 4));
        emit(load_u32(kMinor, kContext, 8));
    }

    void add(const Rule& rule) {
        std::vector<size_t> to_next;
        auto skip_unless_equal = [&](uint8_t reg, int32_t value) {
            to_next.push_back(emit(jump32_imm(BPF_JNE, reg, value)));
        };
        if (rule.type) skip_unless_equal(kType, *rule.type);
        if (rule.major) skip_unless_equal(kMajor, static_cast<int32_t>(*rule.major));
        if (rule.minor) skip_unless_equal(kMinor, static_cast<int32_t>(*rule.minor));
        emit(mov32_reg(kScratch, kPending));
        emit(alu32_imm(BPF_AND, kScratch, rule.access));
        to_next.push_back(emit(jump32_imm(BPF_JEQ, kScratch, 0)));
        if (rule.allow) {
            emit(alu32_imm(BPF_AND, kPending, ~rule.access));
            to_next.push_back(emit(jump32_imm(BPF_JNE, kPending, 0)));
            verdict(1);
        } else {
            verdict(0);
        }
        for (size_t at : to_next) insns_[at].off = static_cast<int16_t>(insns_.size() - at - 1);
    }

    std::vector<bpf_insn> finish() {
        verdict(0);
        return std::move(insns_);
    }

private:
    size_t emit(bpf_insn insn) {
        insns_.push_back(insn);
        return insns_.size() - 1;
    }
    void verdict(int32_t allow) {
        emit(mov64_imm(kVerdict, allow));
        emit(exit_insn());
    }
    std::vector<bpf_insn> insns_;
};

}  // namespace

std::vector<bpf_insn> device_program(const std::vector<config::DeviceCgroupRule>& rules, const std::string& pointer) {
    std::vector<Rule> parsed;
    for (size_t i = 0; i < rules.size(); ++i) parsed.push_back(parse_rule(rules[i], pointer + "/" + std::to_string(i)));
    Program program;
    for (auto it = parsed.rbegin(); it != parsed.rend(); ++it)
        if (it->access != 0) program.add(*it);  // an empty access matches no request
    return program.finish();
}

}  // namespace ocirt::cgroups
