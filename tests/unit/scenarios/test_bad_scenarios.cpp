// Every tests/scenarios/bad/<case>.yaml must fail to load, and each line of <case>.expected
// must appear verbatim in the error text.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "scenarios/load/loader.h"
#include "tests/unit/scenarios/fake_registry.h"

namespace kochmon::scenarios {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> bad_cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(testing::source_dir() + "/tests/scenarios/bad"))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class BadScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(BadScenario, FailsWithTheExpectedMessages) {
  const std::string dir = testing::source_dir() + "/tests/scenarios/bad/";
  std::ifstream expected_file(dir + GetParam() + ".expected");
  ASSERT_TRUE(expected_file) << "missing " << GetParam() << ".expected";
  std::string message;
  // Load by the bare file name, as a user in that directory would, so that the messages are
  // exactly what the user sees.
  const fs::path cwd = fs::current_path();
  fs::current_path(dir);
  struct Restore {
    fs::path to;
    ~Restore() { fs::current_path(to); }
  } restore{cwd};
  try {
    load_scenario(GetParam() + ".yaml", testing::fake_registries());
    FAIL() << GetParam() << ".yaml loaded without an error";
  } catch (const sim::InputError& e) {
    message = e.what();
  }
  std::string line;
  int lines = 0;
  while (std::getline(expected_file, line)) {
    if (line.empty()) continue;
    ++lines;
    EXPECT_NE(message.find(line), std::string::npos) << "expected line:\n"
                                                     << line << "\nin the error text:\n"
                                                     << message;
  }
  EXPECT_GT(lines, 0) << GetParam() << ".expected is empty";
}

INSTANTIATE_TEST_SUITE_P(Files, BadScenario, ::testing::ValuesIn(bad_cases()),
                         [](const auto& info) { return info.param; });

TEST(BadScenarios, AtLeastFortyCases) {
  EXPECT_GE(bad_cases().size(), 40u);
}

} // namespace
} // namespace kochmon::scenarios
