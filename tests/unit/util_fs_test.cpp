#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "temp_tree.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

TEST_CASE("fs: write_atomic replaces a file whole, in its mode, and leaves no temporary file") {
    ocirt::unit_test::TempTree tree("ocirt-fs-unit");
    ocirt::UniqueFd dir(::open(tree.path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir);
    ocirt::write_atomic(dir.get(), tree.path, "state.json", "{\"a\":1}\n", 0600);
    ocirt::write_atomic(dir.get(), tree.path, "state.json", "{}", 0600);
    CHECK(ocirt::read_file(tree.path + "/state.json") == "{}");
    struct stat st {};
    REQUIRE(::stat((tree.path + "/state.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);
    ocirt::write_atomic(AT_FDCWD, "", tree.path + "/pid", "42", 0644);
    CHECK(tree.read("pid") == "42");
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(tree.path)) ++entries;
    CHECK(entries == 2);
}

TEST_CASE("fs: read errors name the file; try_read_file gives nullopt") {
    try {
        ocirt::read_file("/nonexistent/ocirt-fs-unit");
        FAIL("no throw");
    } catch (const ocirt::Error& e) {
        CHECK(e.full() == "open \"/nonexistent/ocirt-fs-unit\": No such file or directory");
    }
    CHECK_FALSE(ocirt::try_read_file("/nonexistent/ocirt-fs-unit"));
    CHECK(ocirt::try_read_file("/proc/self/comm") == "unit_tests\n");
}

TEST_CASE("fs: read_all waits on a non-blocking fd until its writer closes it") {
    int ends[2];
    REQUIRE(::pipe2(ends, O_CLOEXEC | O_NONBLOCK) == 0);
    ocirt::UniqueFd read_end(ends[0]), write_end(ends[1]);
    std::thread writer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        CHECK(::write(write_end.get(), "late", 4) == 4);
        write_end.reset();
    });
    CHECK(ocirt::read_all(read_end.get()) == "late");
    writer.join();
}
