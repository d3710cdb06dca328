// The spec files' references (sweep/, validation/, calibration/REFERENCE.md) are generated
// from their schema tables; like scenarios/REFERENCE.md, the files in the repository must be
// current, and every key must say what it means.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "calibration/schema.h"
#include "sweep/schema.h"
#include "validation/schema.h"

namespace kochmon {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// KOCHMON_UPDATE_REFERENCE=1 rewrites the file (as tools/dev/gen_reference.sh does).
void expect_current(const std::string& rel, const std::string& now, const char* spec) {
  const std::string path = std::string(KOCHMON_SOURCE_DIR) + "/" + rel;
  if (const char* update = std::getenv("KOCHMON_UPDATE_REFERENCE"); update && *update == '1')
    std::ofstream(path, std::ios::binary) << now;
  EXPECT_TRUE(read(path) == now) << rel << " is out of date; run: tools/dev/gen_reference.sh "
                                 << "(or kochmon reference --spec " << spec << " > " << rel << ")";
}

void expect_documented(const std::vector<scenarios::schema::Key>& keys) {
  for (const auto& k : keys)
    EXPECT_FALSE(k.meaning.empty()) << k.path << " has no meaning";
}

TEST(SpecReference, SweepReferenceIsCurrent) {
  expect_current("sweep/REFERENCE.md", sweep::spec_reference_markdown(), "sweep");
  expect_documented(sweep::spec_keys());
}

TEST(SpecReference, TargetsReferenceIsCurrent) {
  expect_current("validation/REFERENCE.md", validation::targets_reference_markdown(), "targets");
  expect_documented(validation::target_check_keys());
}

TEST(SpecReference, CalibrationReferenceIsCurrent) {
  expect_current("calibration/REFERENCE.md", calibration::spec_reference_markdown(), "calibration");
  expect_documented(calibration::spec_keys());
}

TEST(SpecReference, RowsShowTypeDefaultAndRange) {
  const std::string md = sweep::spec_reference_markdown();
  EXPECT_NE(md.find("| `design.levels` | integer | – | `4` | [2, 100] |"), std::string::npos) << md;
  EXPECT_NE(md.find("| `replicates` | integer, or a map | – | `1` | [1, 100000] |"),
            std::string::npos);
  EXPECT_NE(md.find("| `metrics[].reduce` | one of sum, mean, last, first, max, min |"),
            std::string::npos);
}

} // namespace
} // namespace kochmon
