// --set key paths (scenarios/load/key_path.h): list entries by index and, in lists of places,
// by id; the messages of an unknown id, an id on a list without ids and malformed brackets.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "scenarios/load/key_path.h"
#include "scenarios/load/loader.h"
#include "sim/core/error.h"

namespace kochmon::scenarios {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string TINY = std::string(KOCHMON_SOURCE_DIR) + "/scenarios/examples/tiny.yaml";
const std::string KYRGYZSTAN = std::string(KOCHMON_SOURCE_DIR) + "/scenarios/kyrgyzstan/base.yaml";

const sim::Registries& registries() {
  static const sim::Registries r = agents::builtin_registries();
  return r;
}

sim::RunConfig load(const std::string& path, const std::vector<std::string>& sets) {
  LoadOptions o;
  o.overrides = sets;
  return load_scenario(path, registries(), o);
}

std::string error_of(const std::string& path, const std::vector<std::string>& sets) {
  try {
    load(path, sets);
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(KeyPath, ParsesKeysIndicesAndIds) {
  std::vector<PathStep> steps;
  ASSERT_TRUE(parse_key_path("regions[osh_city].wage_som.factor", steps).empty());
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].kind, PathStep::Kind::key);
  EXPECT_EQ(steps[0].text, "regions");
  EXPECT_EQ(steps[1].kind, PathStep::Kind::id);
  EXPECT_EQ(steps[1].text, "osh_city");
  EXPECT_EQ(steps[2].text, "wage_som");
  EXPECT_EQ(steps[3].text, "factor");
  EXPECT_EQ(show_path(steps, 2), "regions[osh_city]");

  ASSERT_TRUE(parse_key_path("decision.rules[3].params.b_wage", steps).empty());
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[2].kind, PathStep::Kind::index);
  EXPECT_EQ(steps[2].index, 3u);
  EXPECT_EQ(show_path(steps, 5), "decision.rules[3].params.b_wage");

  ASSERT_TRUE(parse_key_path("a[0][1]", steps).empty()); // nested lists
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(steps[2].index, 1u);

  const ParsedOverride o = parse_override("regions[south].population=1e3");
  EXPECT_TRUE(o.error.empty());
  EXPECT_EQ(o.path, "regions[south].population");
  EXPECT_EQ(o.value, "1e3");
  EXPECT_TRUE(parse_override("scale").no_equals);
  EXPECT_FALSE(parse_override("regions[").no_equals);
}

TEST(KeyPath, MalformedPathsSayWhatIsWrong) {
  std::vector<PathStep> steps;
  auto what = [&](const char* path) { return parse_key_path(path, steps).what; };
  EXPECT_EQ(what("regions["), "'[' without a closing ']'");
  EXPECT_EQ(what("regions[].population"), "empty brackets '[]'");
  EXPECT_EQ(what("regions[[0]]"), "'[' inside brackets");
  EXPECT_EQ(what("regions]0["), "']' without an opening '['");
  EXPECT_EQ(what("regions[-1]"), "a list index is a whole number >= 0, got '-1'");
  EXPECT_EQ(what("regions[99999999]"), "index 99999999 is too large");
  EXPECT_EQ(what("regions[0]x"), "expected '.' or '[' after ']', got 'x'");
  EXPECT_EQ(what("regions.[0]"), "'.' before '['; write name[...] without a dot");
  EXPECT_EQ(what("[0].population"), "the key path starts with '['; name the list first");
  EXPECT_EQ(what("a..b"), "an empty key between two dots");
  EXPECT_EQ(what(".a"), "the key path starts with '.'");
  EXPECT_EQ(what("a."), "the key path ends with '.'");
  EXPECT_EQ(what(""), "an empty key path");
}

TEST(SetById, SelectsTheSameRegionAndDestinationAsTheIndex) {
  const sim::RunConfig by_index =
      load(TINY, {"regions[1].population=1234", "destinations[0].cost_som=1000",
                  "regions[0].wage_som={values: {2010: 7000}}"});
  const sim::RunConfig by_id =
      load(TINY, {"regions[south].population=1234", "destinations[russia].cost_som=1000",
                  "regions[north].wage_som={values: {2010: 7000}}"});
  ASSERT_EQ(by_id.regions.size(), 2u);
  EXPECT_EQ(by_id.regions[1].id, "south");
  EXPECT_DOUBLE_EQ(by_id.regions[1].population, 1234);
  EXPECT_DOUBLE_EQ(by_id.destinations[0].cost_som.at(by_id.start), 1000);
  EXPECT_DOUBLE_EQ(by_id.regions[0].wage_som.at(by_id.start), 7000);
  EXPECT_EQ(by_id.resolved_yaml, by_index.resolved_yaml); // the same scenario, key for key
  EXPECT_NE(by_id.resolved_yaml, load(TINY, {}).resolved_yaml);
}

TEST(SetById, WorksThroughBaseInheritanceOnTheKyrgyzScenario) {
  // osh_city is the ninth region of the base scenario.
  const sim::RunConfig base = load(KYRGYZSTAN, {});
  ASSERT_GE(base.regions.size(), 9u);
  ASSERT_EQ(base.regions[8].id, "osh_city");
  const sim::RunConfig by_id = load(KYRGYZSTAN, {"regions[osh_city].wage_som.factor=0.9"});
  const sim::RunConfig by_index = load(KYRGYZSTAN, {"regions[8].wage_som.factor=0.9"});
  EXPECT_EQ(by_id.resolved_yaml, by_index.resolved_yaml);
  EXPECT_NE(by_id.resolved_yaml, base.resolved_yaml);
  EXPECT_NEAR(by_id.regions[8].wage_som.at(by_id.start) / base.regions[8].wage_som.at(base.start),
              0.9, 1e-12);
  EXPECT_DOUBLE_EQ(by_id.regions[7].wage_som.at(by_id.start),
                   base.regions[7].wage_som.at(base.start));
}

TEST(SetById, UnknownIdListsTheIdsWithTheNearestAsAHint) {
  const std::string e = error_of(TINY, {"regions[souht].population=1"});
  EXPECT_THAT(e, HasSubstr("--set regions[souht].population=1: error: regions[souht]: no element "
                           "with id 'souht' in regions; ids are: north, south"));
  EXPECT_THAT(e, HasSubstr("hint: did you mean 'south'?"));
  const std::string far = error_of(KYRGYZSTAN, {"regions[nowhere].wage_som.factor=0.9"});
  EXPECT_THAT(far, HasSubstr("--set regions[nowhere].wage_som.factor=0.9: error: "
                             "regions[nowhere]: no element with id 'nowhere' in regions; ids "
                             "are: batken, jalal_abad, "));
  EXPECT_THAT(far, HasSubstr("osh_city"));
  EXPECT_THAT(far, Not(HasSubstr("did you mean")));
  EXPECT_THAT(error_of(KYRGYZSTAN, {"destinations[rusia].cost_som=1"}),
              HasSubstr("hint: did you mean 'russia'?"));
}

TEST(SetById, AnIdOnAListWithoutIdsOrOnAScalarIsRefused) {
  const std::string e = error_of(TINY, {"decision.rules[push_pull].weight=2"});
  EXPECT_THAT(e, HasSubstr("--set decision.rules[push_pull].weight=2: error: "
                           "decision.rules[push_pull]: cannot select by id: the entries of "
                           "decision.rules have no id"));
  EXPECT_THAT(e, HasSubstr("hint: select by index, e.g. decision.rules[0]"));
  EXPECT_THAT(error_of(TINY, {"scale[north]=1"}), HasSubstr("error: scale: is '"));
  EXPECT_THAT(error_of(TINY, {"scale[north]=1"}), HasSubstr("not a list"));
}

TEST(SetById, MalformedBracketsHaveTheirOwnMessages) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"regions[", "--set regions[: error: regions[: '[' without a closing ']'"},
      {"regions[=1", "--set regions[=1: error: regions[: '[' without a closing ']'"},
      {"regions[].population=1",
       "--set regions[].population=1: error: regions[].population: empty brackets '[]'"},
      {"regions[-1].population=1", "a list index is a whole number >= 0, got '-1'"},
      {"regions]0[.population=1", "']' without an opening '['"},
  };
  for (const auto& [set, expected] : cases) {
    const std::string e = error_of(TINY, {set});
    EXPECT_THAT(e, HasSubstr(expected)) << set;
    EXPECT_THAT(e, HasSubstr("hint: select a list entry by index (decision.rules[0]) or by id "
                             "(regions[osh_city])"))
        << set;
    EXPECT_THAT(e, Not(HasSubstr("expected key.path=value"))) << set;
  }
  // A well-formed path without a value is still "expected key.path=value".
  EXPECT_THAT(error_of(TINY, {"regions[south].population"}),
              HasSubstr("--set regions[south].population: error: expected key.path=value"));
}

TEST(SetById, TheIndexFormIsUnchanged) {
  const sim::RunConfig c = load(TINY, {"regions[1].population=5e3", "decision.rules[0].weight=2"});
  EXPECT_DOUBLE_EQ(c.regions[1].population, 5000);
  EXPECT_THAT(error_of(TINY, {"regions[7].population=5"}),
              HasSubstr("--set regions[7].population=5: error: regions[7]: index out of range: "
                        "the list has 2 entries"));
  EXPECT_THAT(error_of(TINY, {"regions[0].population[1]=5"}),
              HasSubstr("regions[0].population: is '"));
}

} // namespace
} // namespace kochmon::scenarios
