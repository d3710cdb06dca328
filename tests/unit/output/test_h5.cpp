#include <array>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "output/h5/h5.h"

namespace kochmon::output::h5 {
namespace {

namespace fs = std::filesystem;

class H5Test : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("kochmon_h5_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "t.h5").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string path_;
};

TEST_F(H5Test, AttributesRoundTrip) {
  {
    File f = File::create(path_);
    Group g = f.create_group("meta");
    g.set_attribute("name", "kyrgyz ü");
    g.set_attribute("empty", "");
    g.set_attribute("i", std::int32_t{-3});
    g.set_attribute("big", std::int64_t{1} << 40);
    g.set_attribute("seed", std::uint64_t{18446744073709551615ULL});
    g.set_attribute("x", 0.25);
    g.set_attribute("name", "replaced, and longer than before");
    g.set_attribute("x", 0.5);
    f.flush();
  }
  const File f = File::open_read(path_);
  const Group g = f.open_group("meta");
  EXPECT_EQ(g.string_attribute("name"), "replaced, and longer than before");
  EXPECT_EQ(g.string_attribute("empty"), "");
  EXPECT_EQ(g.int_attribute("i"), -3);
  EXPECT_EQ(g.int_attribute("big"), std::int64_t{1} << 40);
  EXPECT_EQ(g.uint_attribute("seed"), 18446744073709551615ULL);
  EXPECT_EQ(g.double_attribute("x"), 0.5);
  EXPECT_TRUE(g.has_attribute("i"));
  EXPECT_FALSE(g.has_attribute("nope"));
  EXPECT_EQ(f.members(), (std::vector<std::string>{"meta"}));
}

TEST_F(H5Test, StringsRoundTrip) {
  {
    File f = File::create(path_);
    f.write_strings("labels", {"a", "", "ü"});
    f.write_strings("none", {});
    f.write_string("yaml", "x: 1\n");
  }
  const File f = File::open_read(path_);
  EXPECT_EQ(f.open_dataset("labels").read_strings(), (std::vector<std::string>{"a", "", "ü"}));
  EXPECT_TRUE(f.open_dataset("none").read_strings().empty());
  EXPECT_EQ(f.open_dataset("yaml").read_strings(), (std::vector<std::string>{"x: 1\n"}));
}

TEST_F(H5Test, FailuresNameTheObjectAndTheFile) {
  File f = File::create(path_);
  f.create_group("series");
  try {
    f.create_group("series");
    FAIL() << "expected h5::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.action(), "create group");
    EXPECT_EQ(e.object(), "/series");
    EXPECT_EQ(e.file(), path_);
    EXPECT_EQ(std::string(e.what()).rfind(
                  "output: cannot create group '/series' in '" + path_ + "': ", 0),
              0U)
        << e.what();
  }
  EXPECT_THROW((void)f.open_dataset("missing"), sim::RunError);
  EXPECT_THROW((void)f.string_attribute("missing"), sim::RunError);
}

TEST_F(H5Test, OpeningAMissingFileGivesTheOsReason) {
  try {
    (void)File::open_read((dir_ / "missing.h5").string());
    FAIL() << "expected h5::Error";
  } catch (const Error& e) {
    EXPECT_EQ(e.reason(), "No such file or directory");
  }
}

} // namespace
} // namespace kochmon::output::h5
