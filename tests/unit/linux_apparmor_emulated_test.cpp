#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "linux/apparmor.hpp"
#include "util/error.hpp"
#include "temp_tree.hpp"

using namespace ocirt;
namespace fs = std::filesystem;

namespace {

// A directory laid out like /proc/thread-self/attr.
struct AttrDir : ocirt::unit_test::TempTree {
    AttrDir() : TempTree("ocirt-attr") {}
    void touch(const std::string& name) const { file(name, ""); }
};
}  // namespace

TEST_CASE("linux emulated: the AppArmor exec profile goes to attr/apparmor/exec, or attr/exec on older kernels") {
    AttrDir modern;
    modern.touch("apparmor/exec");
    modern.touch("exec");
    linux_::set_apparmor_exec_profile("docker-default", modern.path);
    CHECK(modern.read("apparmor/exec") == "exec docker-default");
    CHECK(modern.read("exec").empty());

    AttrDir older;
    older.touch("exec");
    linux_::set_apparmor_exec_profile("unconfined", older.path);
    CHECK(older.read("exec") == "exec unconfined");

    AttrDir none;
    try {
        linux_::set_apparmor_exec_profile("p", none.path);
        FAIL("no error thrown");
    } catch (const Error& e) {
        CHECK(e.message() == "AppArmor profile \"p\": open \"" + none.path + "/exec\"");
        CHECK(e.errno_value() == ENOENT);
    }
}
