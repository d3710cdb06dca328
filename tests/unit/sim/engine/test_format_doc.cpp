// output/FORMAT.md's series table is the engine's ResultsLayout, written out: this test fails
// when they differ (KOCHMON_UPDATE_FORMAT=1 rewrites the table).

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "agents/builtin.h"
#include "sim/engine/simulation.h"
#include "tests/support/configs.h"

namespace kochmon::sim {
namespace {

std::string table(const ResultsLayout& l) {
  std::ostringstream out;
  out << "| series | axes (after time) | unit | meaning |\n|---|---|---|---|\n";
  for (const auto& s : l.series) {
    std::string axes;
    for (int a : s.axes)
      axes += (axes.empty() ? "" : ", ") + l.axes[static_cast<std::size_t>(a)].name;
    out << "| `" << s.name << "` | " << (axes.empty() ? "—" : axes) << " | " << s.unit << " | "
        << s.description << " |\n";
  }
  return out.str();
}

TEST(FormatDoc, SeriesTableMatchesTheEngine) {
  auto c = tests::two_region_config(100, 1);
  c.output.trajectories_sample = 0.1; // include the optional trajectory series
  const auto reg = agents::builtin_registries();
  const Simulation sim(c, reg);
  const std::string want = table(sim.layout());
  const std::string path = std::string(KOCHMON_SOURCE_DIR) + "/output/FORMAT.md";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  const std::string begin = "<!-- SERIES TABLE", end = "<!-- END SERIES TABLE -->";
  const auto b = doc.find(begin), e = doc.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  const auto body_start = doc.find("-->\n", b) + 4;
  const std::string have = doc.substr(body_start, e - body_start);
  if (std::getenv("KOCHMON_UPDATE_FORMAT") != nullptr) {
    doc.replace(body_start, e - body_start, "\n" + want + "\n");
    std::ofstream(path) << doc;
    return;
  }
  EXPECT_EQ(have, "\n" + want + "\n")
      << "output/FORMAT.md's series table is out of date; run: KOCHMON_UPDATE_FORMAT=1 "
         "./build/release/tests/kochmon_test_engine --gtest_filter=FormatDoc.*";
}

} // namespace
} // namespace kochmon::sim
