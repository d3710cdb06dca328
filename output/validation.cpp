#include "output/validation.h"

#include <filesystem>

#include "output/h5/h5.h"
#include "output/reader.h"
#include "sim/core/error.h"
#include "sim/core/version.h"

namespace kochmon::output {

namespace {

void write_doubles(h5::Group& g, const std::string& name, const std::vector<double>& v,
                   const std::string& description) {
  const hsize_t n = v.size();
  auto ds = g.create_dataset(name, H5T_IEEE_F64LE, h5::Dataspace::simple({&n, 1}));
  if (n > 0) ds.write_all(H5T_NATIVE_DOUBLE, v.data());
  ds.set_attribute("description", description);
}

void write_ints(h5::Group& g, const std::string& name, const std::vector<std::int32_t>& v,
                const std::string& description) {
  const hsize_t n = v.size();
  auto ds = g.create_dataset(name, H5T_STD_I32LE, h5::Dataspace::simple({&n, 1}));
  if (n > 0) ds.write_all(H5T_NATIVE_INT32, v.data());
  ds.set_attribute("description", description);
}

//! One field of every row, as a column.
template <class Row, class T> std::vector<T> column(const std::vector<Row>& rows, T Row::*field) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& r : rows)
    out.push_back(r.*field);
  return out;
}

std::int32_t pass_code(ValidationStatus s) {
  return s == ValidationStatus::pass ? 1 : s == ValidationStatus::fail ? 0 : -1;
}

void write_group(h5::File& file, const ValidationTable& t) {
  if (file.has("validation")) file.remove("validation");
  auto g = file.create_group("validation");
  g.set_attribute("layout_version", VALIDATION_LAYOUT_VERSION);
  g.set_attribute("targets_file", t.targets_file);
  g.set_attribute("targets_name", t.targets_name);
  g.set_attribute("kochmon_version", std::string(VERSION));
  g.set_attribute("passed", t.passed);
  g.set_attribute("failed", t.failed);
  g.set_attribute("not_covered", t.not_covered);
  g.set_attribute("objective", t.objective);
  g.set_attribute("mean_relative_difference", t.mean_relative_difference);
  const auto& rows = t.rows;
  std::vector<std::string> status;
  std::vector<std::int32_t> pass;
  for (const ValidationRow& row : rows) {
    status.push_back(status_text(row.status));
    pass.push_back(pass_code(row.status));
  }
  g.write_strings("target", column(rows, &ValidationRow::target))
      .set_attribute("description", "target id");
  g.write_strings("period", column(rows, &ValidationRow::period))
      .set_attribute("description", "calendar year(s) or months compared");
  write_doubles(g, "simulated", column(rows, &ValidationRow::simulated),
                "simulated value (NaN: not covered)");
  write_doubles(g, "value", column(rows, &ValidationRow::value), "observed value (NaN: none)");
  write_doubles(g, "low", column(rows, &ValidationRow::low),
                "observed range, lower end (NaN: open)");
  write_doubles(g, "high", column(rows, &ValidationRow::high),
                "observed range, upper end (NaN: open)");
  write_doubles(g, "error", column(rows, &ValidationRow::error),
                "relative error to value, or distance to the range / its width");
  write_ints(g, "pass", pass, "1 pass, 0 fail, -1 not covered");
  g.write_strings("status", status).set_attribute("description", "pass, FAIL or not covered");
  g.write_strings("unit", column(rows, &ValidationRow::unit))
      .set_attribute("description", "unit of simulated and observed");
  g.write_strings("note", column(rows, &ValidationRow::note))
      .set_attribute("description", "remarks, may be empty");
  g.write_string("targets_yaml", t.targets_yaml)
      .set_attribute("description", "the targets file as read");
  if (t.regions.empty()) return;
  auto im = g.create_group("internal_migration");
  im.set_attribute("mean_relative_difference", t.mean_relative_difference);
  const auto& regions = t.regions;
  im.write_strings("region", column(regions, &ValidationRegionRow::region))
      .set_attribute("description", "region id");
  write_ints(im, "year", column(regions, &ValidationRegionRow::year), "calendar year");
  write_doubles(im, "arrivals_sim", column(regions, &ValidationRegionRow::arrivals_sim),
                "simulated arrivals from other regions, persons/year");
  write_doubles(im, "arrivals_obs", column(regions, &ValidationRegionRow::arrivals_obs),
                "registered arrivals (T2.22), persons/year");
  write_doubles(im, "arrivals_rel_diff", column(regions, &ValidationRegionRow::arrivals_rel_diff),
                "arrivals_sim / arrivals_obs - 1");
  write_doubles(im, "departures_sim", column(regions, &ValidationRegionRow::departures_sim),
                "simulated departures to other regions, persons/year");
  write_doubles(im, "departures_obs", column(regions, &ValidationRegionRow::departures_obs),
                "registered departures (T2.22), persons/year");
  write_doubles(im, "departures_rel_diff",
                column(regions, &ValidationRegionRow::departures_rel_diff),
                "departures_sim / departures_obs - 1");
}

} // namespace

const char* status_text(ValidationStatus s) {
  switch (s) {
  case ValidationStatus::pass:
    return "pass";
  case ValidationStatus::fail:
    return "FAIL";
  case ValidationStatus::not_covered:
    return "not covered";
  }
  return "?";
}

void write_validation(const std::string& run_file, const ValidationTable& table) {
  namespace fs = std::filesystem;
  {
    const RunFile check(run_file); // a result file this kochmon reads, or a ReadError naming it
  }
  const std::string tmp = run_file + ".validating.tmp";
  std::error_code ec;
  fs::copy_file(run_file, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) throw sim::RunError("cannot copy " + run_file + " to " + tmp + ": " + ec.message());
  try {
    h5::File file = h5::File::open_write(tmp);
    write_group(file, table);
    file.close_checked();
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, run_file, ec);
  if (ec) {
    std::error_code ec2;
    fs::remove(tmp, ec2);
    throw sim::RunError("cannot rename " + tmp + " to " + run_file + ": " + ec.message());
  }
}

} // namespace kochmon::output
