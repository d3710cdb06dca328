// The bad-input corpus through the real command line: `kochmon run <case>.yaml -o <tmp>/out.h5`
// for every tests/scenarios/bad/<case>.yaml must exit with code 2, print each error line of
// <case>.expected on stderr, create neither the result file nor its .tmp, and not crash (no
// signal, no sanitizer report). Hint lines about the registered plug-ins (their lists and
// their parameters' help) are skipped: the unit test loads with a fake registry, the binary
// with the real one. Also a few command-line
// mistakes that never reach the loader's corpus.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/cli_support.h"

namespace kochmon::tests {
namespace {

namespace fs = std::filesystem;

std::string bad_dir() {
  return source_dir() + "/tests/scenarios/bad";
}

std::vector<std::string> bad_cases() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(bad_dir()))
    if (e.path().extension() == ".yaml") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

//! No signal, no sanitizer report.
void expect_no_crash(const Outcome& o, const std::string& what) {
  EXPECT_LT(o.code, 128) << what << " was killed by a signal:\n" << o.out;
  for (const char* report :
       {"AddressSanitizer", "LeakSanitizer", "ThreadSanitizer", "runtime error:", "internal error"})
    EXPECT_EQ(o.out.find(report), std::string::npos) << what << ": " << report << "\n" << o.out;
}

void expect_nothing_written(const fs::path& dir) {
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir))
    left.push_back(e.path().filename().string());
  EXPECT_TRUE(left.empty()) << "left in the output directory: " << left.front();
}

class BadInputCli : public ::testing::TestWithParam<std::string> {};

TEST_P(BadInputCli, ExitsWithTwoAndWritesNothing) {
  const std::string name = GetParam();
  const fs::path out_dir = temp_dir("bad-" + name);
  const fs::path out = out_dir / "out.h5";
  // From the corpus directory, by the bare file name, so that paths read as in .expected.
  const Outcome o = shell("cd " + quote(bad_dir()) + " && " + quote(kochmon_bin()) + " run " +
                          quote(name + ".yaml") + " -o " + quote(out.string()) + " --quiet");
  EXPECT_EQ(o.code, 2) << o.out;
  expect_no_crash(o, name);
  std::ifstream expected(bad_dir() + "/" + name + ".expected");
  ASSERT_TRUE(expected) << "missing " << name << ".expected";
  std::string line;
  int checked = 0;
  while (std::getline(expected, line)) {
    if (line.empty()) continue;
    if (line.find("known rules") != std::string::npos ||
        line.find("known combinators") != std::string::npos ||
        line.find("known parameters") != std::string::npos ||
        line.find("REFERENCE.md#") != std::string::npos)
      continue;
    ++checked;
    EXPECT_NE(o.out.find(line), std::string::npos) << "expected line:\n"
                                                   << line << "\nin:\n"
                                                   << o.out;
  }
  EXPECT_GT(checked, 0);
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
  expect_nothing_written(out_dir);
  fs::remove_all(out_dir);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadInputCli, ::testing::ValuesIn(bad_cases()),
                         [](const auto& info) { return info.param; });

TEST(BadInputCorpus, HasAtLeastFortyCases) {
  EXPECT_GE(bad_cases().size(), 40u);
}

// Command-line mistakes: each exits with 2, with the given fragment, and writes nothing.
struct CliCase {
  const char* name;
  std::string args; // after "kochmon run"; {tiny} is the tiny example
  const char* fragment;
};

void PrintTo(const CliCase& c, std::ostream* os) {
  *os << c.name;
}

class BadCommandLine : public ::testing::TestWithParam<CliCase> {};

TEST_P(BadCommandLine, ExitsWithTwo) {
  const CliCase& c = GetParam();
  const fs::path out_dir = temp_dir(std::string("cli-") + c.name);
  std::string args = c.args;
  const std::string tiny = quote(source_dir() + "/scenarios/examples/tiny.yaml");
  if (auto at = args.find("{tiny}"); at != std::string::npos) args.replace(at, 6, tiny);
  if (auto at = args.find("{dir}"); at != std::string::npos) args.replace(at, 5, quote(out_dir));
  const Outcome o =
      kochmon("run " + args + " -o " + quote((out_dir / "out.h5").string()) + " --quiet");
  EXPECT_EQ(o.code, 2) << o.out;
  expect_no_crash(o, c.name);
  EXPECT_NE(o.out.find(c.fragment), std::string::npos) << "expected '" << c.fragment << "' in:\n"
                                                       << o.out;
  expect_nothing_written(out_dir);
  fs::remove_all(out_dir);
}

INSTANTIATE_TEST_SUITE_P(
    Args, BadCommandLine,
    ::testing::Values(
        CliCase{"missing_scenario", "no_such_scenario.yaml",
                "no_such_scenario.yaml: error: cannot read scenario: No such file or directory"},
        CliCase{"scenario_is_directory", "{dir}", "cannot read scenario: Is a directory"},
        CliCase{"set_without_value", "{tiny} --set scale",
                "--set scale: error: expected key.path=value"},
        CliCase{"set_unknown_key", "{tiny} --set sclae=0.5", "sclae: unknown key"},
        CliCase{"set_out_of_range", "{tiny} --set scale=1e300",
                "scale: expected a number in (0, 1], got 1e300"},
        CliCase{"set_bad_index", "{tiny} --set regions[7].population=5",
                "regions[7]: index out of range: the list has 2 entries"},
        CliCase{"set_unknown_id", "{tiny} --set 'regions[nowhere].population=5'",
                "--set regions[nowhere].population=5: error: regions[nowhere]: no element with "
                "id 'nowhere' in regions; ids are: north, south"},
        CliCase{"set_unknown_id_hint", "{tiny} --set 'destinations[rusia].cost_som=5'",
                "hint: did you mean 'russia'?"},
        CliCase{"set_id_without_ids", "{tiny} --set 'decision.rules[push_pull].weight=2'",
                "decision.rules[push_pull]: cannot select by id: the entries of decision.rules "
                "have no id"},
        CliCase{"set_unclosed_bracket", "{tiny} --set 'regions['",
                "--set regions[: error: regions[: '[' without a closing ']'"},
        CliCase{"set_empty_brackets", "{tiny} --set 'regions[]'",
                "--set regions[]: error: regions[]: empty brackets '[]'"},
        CliCase{"set_alias_bomb",
                "{tiny} --set 'description=[&a [x,x,x,x,x,x,x,x,x,x], &b "
                "[*a,*a,*a,*a,*a,*a,*a,*a,*a,*a], "
                "&c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c], "
                "&e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d], [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]]'",
                "aliases expand to too many"},
        CliCase{"threads_not_a_number", "{tiny} --threads many", "--threads"},
        CliCase{"seed_negative", "{tiny} --seed -3", "--seed"},
        CliCase{"unknown_option", "{tiny} --sed 3", "--sed"}),
    [](const auto& info) { return std::string(info.param.name); });

} // namespace
} // namespace kochmon::tests
