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
  std::vector<std::string> target, period, status, unit, note;
  std::vector<double> sim, value, low, high, error;
  std::vector<std::int32_t> pass;
  for (const ValidationRow& row : t.rows) {
    target.push_back(row.target);
    period.push_back(row.period);
    status.push_back(status_text(row.status));
    unit.push_back(row.unit);
    note.push_back(row.note);
    sim.push_back(row.simulated);
    value.push_back(row.value);
    low.push_back(row.low);
    high.push_back(row.high);
    error.push_back(row.error);
    pass.push_back(pass_code(row.status));
  }
  g.write_strings("target", target).set_attribute("description", "target id");
  g.write_strings("period", period)
      .set_attribute("description", "calendar year(s) or months compared");
  write_doubles(g, "simulated", sim, "simulated value (NaN: not covered)");
  write_doubles(g, "value", value, "observed value (NaN: none)");
  write_doubles(g, "low", low, "observed range, lower end (NaN: open)");
  write_doubles(g, "high", high, "observed range, upper end (NaN: open)");
  write_doubles(g, "error", error, "relative error to value, or distance to the range / its width");
  write_ints(g, "pass", pass, "1 pass, 0 fail, -1 not covered");
  g.write_strings("status", status).set_attribute("description", "pass, FAIL or not covered");
  g.write_strings("unit", unit).set_attribute("description", "unit of simulated and observed");
  g.write_strings("note", note).set_attribute("description", "remarks, may be empty");
  g.write_string("targets_yaml", t.targets_yaml)
      .set_attribute("description", "the targets file as read");
  if (t.regions.empty()) return;
  auto im = g.create_group("internal_migration");
  im.set_attribute("mean_relative_difference", t.mean_relative_difference);
  std::vector<std::string> region;
  std::vector<std::int32_t> year;
  std::vector<double> as, ao, ar, ds, dobs, dr;
  for (const ValidationRegionRow& x : t.regions) {
    region.push_back(x.region);
    year.push_back(x.year);
    as.push_back(x.arrivals_sim);
    ao.push_back(x.arrivals_obs);
    ar.push_back(x.arrivals_rel_diff);
    ds.push_back(x.departures_sim);
    dobs.push_back(x.departures_obs);
    dr.push_back(x.departures_rel_diff);
  }
  im.write_strings("region", region).set_attribute("description", "region id");
  write_ints(im, "year", year, "calendar year");
  write_doubles(im, "arrivals_sim", as, "simulated arrivals from other regions, persons/year");
  write_doubles(im, "arrivals_obs", ao, "registered arrivals (T2.22), persons/year");
  write_doubles(im, "arrivals_rel_diff", ar, "arrivals_sim / arrivals_obs - 1");
  write_doubles(im, "departures_sim", ds, "simulated departures to other regions, persons/year");
  write_doubles(im, "departures_obs", dobs, "registered departures (T2.22), persons/year");
  write_doubles(im, "departures_rel_diff", dr, "departures_sim / departures_obs - 1");
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
