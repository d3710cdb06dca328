// Every registered plug-in has its tests and its reference section (the convention in
// tests/CMakeLists.txt and agents/README.md). The names come from the registries, so a rule,
// combinator or life-abroad model added to agents/builtin.cpp without them fails here.

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "agents/builtin.h"

namespace kochmon::agents {
namespace {

namespace fs = std::filesystem;

const fs::path SOURCE = KOCHMON_SOURCE_DIR;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class Registry> std::vector<std::string> names(const Registry& r) {
  std::vector<std::string> out;
  for (const auto* info : r.all())
    out.push_back(info->name);
  return out;
}

//! "rule_logit" → "RuleLogit": how a YAML name is spelt in a GoogleTest name.
std::string camel(const std::string& snake) {
  std::string out;
  bool up = true;
  for (char ch : snake) {
    if (ch == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch))) : ch;
    up = false;
  }
  return out;
}

//! The suite and test names of every TEST, TEST_F and TEST_P in `source`, each "Suite.Name".
std::vector<std::string> test_names(const std::string& source) {
  static const std::regex test(R"(\bTEST(?:_F|_P)?\s*\(\s*(\w+)\s*,\s*(\w+)\s*\))");
  std::vector<std::string> out;
  for (std::sregex_iterator it(source.begin(), source.end(), test), end; it != end; ++it)
    out.push_back((*it)[1].str() + "." + (*it)[2].str());
  return out;
}

//! Whether `word` (CamelCase) is one of the CamelCase words of `name`: "Any" is in
//! "AnyAtLeastEachRuleAtLeastAll", "All" too, but not in "Allows".
bool has_camel_word(const std::string& name, const std::string& word) {
  for (auto pos = name.find(word); pos != std::string::npos; pos = name.find(word, pos + 1)) {
    const std::size_t after = pos + word.size();
    if (after == name.size() || !std::islower(static_cast<unsigned char>(name[after]))) return true;
  }
  return false;
}

//! The `### ` headings of scenarios/REFERENCE.md by the `## ` section they are in.
std::map<std::string, std::set<std::string>> reference_headings() {
  std::map<std::string, std::set<std::string>> out;
  std::istringstream in(read(SOURCE / "scenarios/REFERENCE.md"));
  std::string line, section;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("## ", 0) == 0) section = line.substr(3);
    if (line.rfind("### ", 0) == 0) out[section].insert(line.substr(4));
  }
  return out;
}

TEST(Completeness, TheRegistriesAreNotEmpty) {
  // Otherwise every check below would pass vacuously.
  const auto reg = builtin_registries();
  EXPECT_FALSE(reg.rules.all().empty());
  EXPECT_FALSE(reg.combinators.all().empty());
  EXPECT_FALSE(reg.return_models.all().empty());
  EXPECT_FALSE(reg.job_models.all().empty());
}

// Rule `x`: tests/rules/test_x.cpp, with at least one TEST.
TEST(Completeness, EveryRuleHasItsTestFile) {
  const auto reg = builtin_registries();
  for (const auto& name : names(reg.rules)) {
    const fs::path file = SOURCE / "tests/rules" / ("test_" + name + ".cpp");
    ASSERT_TRUE(fs::exists(file)) << "rule `" << name << "` has no tests: add "
                                  << fs::relative(file, SOURCE).string();
    EXPECT_FALSE(test_names(read(file)).empty()) << file << " holds no TEST";
  }
}

// Combinator `y`: a TEST in tests/rules/test_combinators.cpp whose name spells y in CamelCase
// (`sequential` → Combinators.SequentialEqualsItsParts).
TEST(Completeness, EveryCombinatorHasATestNamedAfterIt) {
  const auto reg = builtin_registries();
  const fs::path file = SOURCE / "tests/rules/test_combinators.cpp";
  ASSERT_TRUE(fs::exists(file)) << file;
  const auto tests = test_names(read(file));
  for (const auto& name : names(reg.combinators)) {
    bool found = false;
    for (const auto& t : tests)
      found = found || has_camel_word(t, camel(name));
    EXPECT_TRUE(found) << "combinator `" << name << "` has no TEST in "
                       << "tests/rules/test_combinators.cpp whose name contains " << camel(name);
  }
}

// Life-abroad model `z`: a file under tests/abroad/ that mentions "z" (quoted, as a scenario or
// a registry look-up names it).
TEST(Completeness, EveryLifeAbroadModelIsNamedInATestUnderTestsAbroad) {
  const auto reg = builtin_registries();
  std::vector<std::string> sources;
  for (const auto& entry : fs::directory_iterator(SOURCE / "tests/abroad")) {
    const auto f = entry.path().filename().string();
    if (f.rfind("test_", 0) == 0 && entry.path().extension() == ".cpp")
      sources.push_back(read(entry.path()));
  }
  ASSERT_FALSE(sources.empty()) << "no tests/abroad/test_*.cpp";
  auto models = names(reg.return_models);
  for (const auto& n : names(reg.job_models))
    models.push_back(n);
  for (const auto& name : models) {
    bool found = false;
    for (const auto& s : sources)
      found = found || s.find('"' + name + '"') != std::string::npos;
    EXPECT_TRUE(found) << "life-abroad model `" << name << "` is not named (\"" << name
                       << "\") in any tests/abroad/test_*.cpp";
  }
}

// Each plug-in has its `### name` section in scenarios/REFERENCE.md, under its kind's heading
// (life-abroad models with the key that chooses them).
TEST(Completeness, EveryPluginHasItsReferenceSection) {
  const auto reg = builtin_registries();
  const auto headings = reference_headings();
  auto expect = [&](const std::string& section, const std::string& heading) {
    const auto it = headings.find(section);
    EXPECT_TRUE(it != headings.end() && it->second.count(heading) == 1)
        << "scenarios/REFERENCE.md has no `### " << heading << "` under `## " << section
        << "` (tools/dev/gen_reference.sh)";
  };
  for (const auto& name : names(reg.rules))
    expect("Decision rules", name);
  for (const auto& name : names(reg.combinators))
    expect("Combinators", name);
  for (const auto& name : names(reg.return_models))
    expect("Life-abroad models", name + " (abroad.return)");
  for (const auto& name : names(reg.job_models))
    expect("Life-abroad models", name + " (abroad.job_finding)");
}

// The matching itself (a check that cannot fail proves nothing).
TEST(Completeness, CamelCaseWordsAreMatchedWholeFromTheirCapital) {
  EXPECT_EQ(camel("rule_logit"), "RuleLogit");
  EXPECT_TRUE(has_camel_word("AnyAtLeastEachRuleAtLeastAll", "Any"));
  EXPECT_TRUE(has_camel_word("AnyAtLeastEachRuleAtLeastAll", "All"));
  EXPECT_FALSE(has_camel_word("AllowsNothing", "All"));
  EXPECT_FALSE(has_camel_word("ManyThings", "Any")); // "any" inside "Many" is lower case
  EXPECT_EQ(test_names("TEST(A, B) {}\nTEST_P(C,D) {}\n// TESTING(E, F)"),
            (std::vector<std::string>{"A.B", "C.D"}));
}

} // namespace
} // namespace kochmon::agents
