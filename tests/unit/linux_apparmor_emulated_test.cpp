#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "linux/apparmor.hpp"
#include "util/error.hpp"

using namespace ocirt;
namespace fs = std::filesystem;

namespace {

// A directory laid out like /proc/thread-self/attr.
struct AttrDir {
    std::string path;
    AttrDir() {
        std::string tmpl = (fs::temp_directory_path() / "ocirt-attr-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()));
        path = tmpl;
    }
    ~AttrDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    void touch(const std::string& name) const {
        fs::create_directories(fs::path(path + "/" + name).parent_path());
        std::ofstream(path + "/" + name);
    }
    std::string read(const std::string& name) const {
        std::ifstream in(path + "/" + name);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
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
