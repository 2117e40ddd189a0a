#include <doctest/doctest.h>

#include "util/duration.hpp"
#include "util/error.hpp"
#include "util/ram_size.hpp"

using namespace std::chrono_literals;

TEST_CASE("duration: Go's forms, fractions and sums; anything else is an error naming the text") {
    CHECK(ocirt::parse_duration("5s") == 5s);
    CHECK(ocirt::parse_duration("250ms") == 250ms);
    CHECK(ocirt::parse_duration("1.5s") == 1500ms);
    CHECK(ocirt::parse_duration("1m30s") == 90s);
    CHECK(ocirt::parse_duration("2h") == 7200s);
    CHECK(ocirt::parse_duration("10us") == 10us);
    CHECK(ocirt::parse_duration("7ns") == 7ns);
    for (const char* bad : {"", "5", "s", "5x", "1..5s", "-1s", "5 s"})
        CHECK_THROWS_WITH_AS(ocirt::parse_duration(bad), doctest::Contains("invalid duration"), ocirt::Error);
}

TEST_CASE("ram size: runc's units (powers of 1024, any case, optional i and b)") {
    CHECK(ocirt::parse_ram_size("4096") == 4096);
    CHECK(ocirt::parse_ram_size("512k") == 512 * 1024);
    CHECK(ocirt::parse_ram_size("512m") == 512LL << 20);
    CHECK(ocirt::parse_ram_size("1G") == 1LL << 30);
    CHECK(ocirt::parse_ram_size("1.5GiB") == 3LL << 29);
    CHECK(ocirt::parse_ram_size("64 KB") == 64 * 1024);
    CHECK(ocirt::parse_ram_size("2t") == 2LL << 40);
    CHECK(ocirt::parse_ram_size("10b") == 10);
    for (const char* bad : {"", "m", "12x", "-5", "1.2.3m", "1mm", "9000p", ".5m"})
        CHECK_THROWS_WITH_AS(ocirt::parse_ram_size(bad), doctest::Contains("invalid size"), ocirt::Error);
}
