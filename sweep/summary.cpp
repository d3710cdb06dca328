#include "sweep/summary.h"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <hdf5.h>

#include "output/h5/h5.h"
#include "scenarios/load/context.h"
#include "sim/core/error.h"
#include "sim/core/version.h"
#include "sweep/identity.h"
#include "sweep/metrics.h"
#include "sweep/run_dir.h"

namespace kochmon::sweep {
namespace {

constexpr const char* SUMMARY_FILETYPE = "kochmon-sweep-summary";
constexpr const char* SUMMARY_VERSION = "1.0";

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Shortest text that reads back as exactly v; empty for NaN (pandas reads it as NaN).
std::string number_cell(double v) {
  if (std::isnan(v)) return "";
  return fmt::format("{}", v);
}

std::vector<std::string> row_cells(const SummaryRow& r) {
  std::vector<std::string> cells{std::to_string(r.run), std::to_string(r.point),
                                 std::to_string(r.replicate), std::to_string(r.seed)};
  for (const auto& p : r.params)
    cells.push_back(p);
  for (double m : r.metrics)
    cells.push_back(number_cell(m));
  cells.push_back(r.run_id);
  cells.push_back(r.status);
  return cells;
}

bool all_numeric(const std::vector<SummaryRow>& rows, std::size_t param) {
  for (const auto& r : rows)
    if (!scenarios::parse_number(r.params[param])) return false;
  return true;
}

void check(herr_t rc, const std::string& what, const std::string& path) {
  if (rc < 0)
    throw sim::RunError("sweep: cannot " + what + " in '" + path +
                        "': " + output::h5::take_reason());
}

// The table as one compound dataset /summary (h5py: pandas.DataFrame(f["summary"][()])).
void write_h5(const std::string& path, const Spec& spec, const std::string& hash,
              const std::vector<SummaryRow>& rows) {
  namespace h5 = output::h5;
  h5::silence_errors();
  auto file = h5::File::create(path);
  file.set_attribute("filetype", SUMMARY_FILETYPE);
  file.set_attribute("format_version", SUMMARY_VERSION);
  file.set_attribute("kochmon_version", kochmon::VERSION);
  file.set_attribute("git_sha", kochmon::GIT_SHA);
  file.set_attribute("sweep_name", spec.name);
  file.set_attribute("sweep_hash", hash);
  file.set_attribute("design", name_of(spec.design.method));
  file.write_string("spec", spec.normalized);

  const auto columns = summary_columns(spec);
  const std::size_t k = spec.parameters.size(), m = spec.metrics.size();
  std::vector<bool> numeric(k);
  for (std::size_t i = 0; i < k; ++i)
    numeric[i] = all_numeric(rows, i);
  // Fixed-length strings: the widest value of each string column (at least 1).
  std::size_t w_id = 1, w_status = 1;
  std::vector<std::size_t> w_param(k, 1);
  for (const auto& r : rows) {
    w_id = std::max(w_id, r.run_id.size());
    w_status = std::max(w_status, r.status.size());
    for (std::size_t i = 0; i < k; ++i)
      w_param[i] = std::max(w_param[i], r.params[i].size());
  }
  // Record layout, packed: offsets computed as we go.
  std::vector<std::pair<hid_t, std::size_t>> fields; // (type, size)
  std::vector<hid_t> owned;
  auto string_type = [&](std::size_t width) {
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, width);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    H5Tset_cset(t, H5T_CSET_UTF8);
    owned.push_back(t);
    return t;
  };
  fields.emplace_back(H5T_NATIVE_UINT64, 8);
  fields.emplace_back(H5T_NATIVE_UINT64, 8);
  fields.emplace_back(H5T_NATIVE_INT32, 4);
  fields.emplace_back(H5T_NATIVE_UINT64, 8);
  for (std::size_t i = 0; i < k; ++i)
    fields.emplace_back(numeric[i] ? H5T_NATIVE_DOUBLE : string_type(w_param[i]),
                        numeric[i] ? 8 : w_param[i]);
  for (std::size_t i = 0; i < m; ++i)
    fields.emplace_back(H5T_NATIVE_DOUBLE, 8);
  fields.emplace_back(string_type(w_id), w_id);
  fields.emplace_back(string_type(w_status), w_status);
  std::size_t record = 0;
  std::vector<std::size_t> offset;
  for (const auto& f : fields) {
    offset.push_back(record);
    record += f.second;
  }
  const hid_t type = H5Tcreate(H5T_COMPOUND, record);
  for (std::size_t c = 0; c < fields.size(); ++c)
    check(H5Tinsert(type, columns[c].c_str(), offset[c], fields[c].first),
          "describe column " + columns[c], path);
  std::vector<unsigned char> buf(record * rows.size(), 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    unsigned char* rec = buf.data() + r * record;
    const SummaryRow& row = rows[r];
    std::size_t c = 0;
    auto put = [&](const void* p, std::size_t n) { std::memcpy(rec + offset[c++], p, n); };
    const std::int32_t rep = row.replicate;
    put(&row.run, 8);
    put(&row.point, 8);
    put(&rep, 4);
    put(&row.seed, 8);
    for (std::size_t i = 0; i < k; ++i) {
      if (numeric[i]) {
        const double v = *scenarios::parse_number(row.params[i]);
        put(&v, 8);
      } else {
        put(row.params[i].data(), row.params[i].size());
      }
    }
    for (double v : row.metrics)
      put(&v, 8);
    put(row.run_id.data(), row.run_id.size());
    put(row.status.data(), row.status.size());
  }
  const hsize_t n = rows.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t ds =
      H5Dcreate2(file.id(), "summary", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (ds < 0) check(-1, "create dataset /summary", path);
  if (n > 0)
    check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "write /summary", path);
  H5Dclose(ds);
  H5Sclose(space);
  H5Tclose(type);
  for (hid_t t : owned)
    H5Tclose(t);
  file.close_checked();
}

} // namespace

std::vector<std::string> summary_columns(const Spec& spec) {
  std::vector<std::string> c{"run", "point", "replicate", "seed"};
  for (const auto& p : spec.parameters)
    c.push_back(p.column);
  for (const auto& m : spec.metrics)
    c.push_back(m.name);
  c.push_back("run_id");
  c.push_back("status");
  return c;
}

std::vector<SummaryRow> build_summary(const std::string& dir, const Spec& spec,
                                      const std::vector<Point>& points, const std::string& hash) {
  std::vector<SummaryRow> rows;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::uint64_t i = 0; i < spec.runs(); ++i) {
    const RunKey key = run_key(spec, i);
    SummaryRow row;
    row.run = i;
    row.point = key.point;
    row.replicate = key.replicate;
    row.seed = spec.run_seed(key.point, key.replicate);
    row.params = points[key.point].text;
    row.run_id = derive_run_id(hash, i);
    row.metrics.assign(spec.metrics.size(), nan);
    const std::string path = run_path(dir, key);
    row.problem = run_file_problem(path, row.seed);
    if (row.problem.empty()) {
      row.status = "ok";
      row.metrics = compute_metrics(path, spec.metrics);
    } else if (row.problem == "missing") {
      const std::string failed = read_file(failed_path(dir, key));
      row.status = failed.empty() ? "missing" : "failed";
      row.problem = failed.empty() ? "no run file" : failed;
    } else {
      row.status = "invalid";
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void write_summary(const std::string& dir, const Spec& spec, const std::string& hash,
                   const std::vector<SummaryRow>& rows) {
  std::string csv;
  const auto columns = summary_columns(spec);
  for (std::size_t c = 0; c < columns.size(); ++c)
    csv += (c ? "," : "") + csv_cell(columns[c]);
  csv += "\n";
  for (const auto& r : rows) {
    const auto cells = row_cells(r);
    for (std::size_t c = 0; c < cells.size(); ++c)
      csv += (c ? "," : "") + csv_cell(cells[c]);
    csv += "\n";
  }
  write_file_atomic(dir + "/summary.csv", csv);
  const std::string h5_tmp = dir + "/summary.h5.tmp";
  write_h5(h5_tmp, spec, hash, rows);
  std::error_code ec;
  std::filesystem::rename(h5_tmp, dir + "/summary.h5", ec);
  if (ec) throw sim::RunError("sweep: cannot rename '" + h5_tmp + "': " + ec.message());
}

int Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<int>(i);
  return -1;
}

double cell_number(const std::string& text) {
  if (text.empty()) return std::numeric_limits<double>::quiet_NaN();
  const auto v = scenarios::parse_number(text);
  return v ? *v : std::numeric_limits<double>::quiet_NaN();
}

Table read_summary_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw sim::InputError(path + ": error: cannot open the summary: " + std::strerror(errno));
  Table t;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  char c = 0;
  auto end_cell = [&] {
    row.push_back(cell);
    cell.clear();
  };
  auto end_row = [&] {
    end_cell();
    if (t.columns.empty())
      t.columns = row;
    else
      t.rows.push_back(row);
    row.clear();
  };
  while (in.get(c)) {
    any = true;
    if (quoted) {
      if (c == '"') {
        if (in.peek() == '"') {
          in.get(c);
          cell += '"';
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\n') {
      end_row();
      any = false;
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (any) end_row();
  for (std::size_t r = 0; r < t.rows.size(); ++r)
    if (t.rows[r].size() != t.columns.size())
      throw sim::InputError(fmt::format("{}:{}: error: {} cells, the header has {}", path, r + 2,
                                        t.rows[r].size(), t.columns.size()));
  return t;
}

Table read_summary_h5(const std::string& path) {
  namespace h5 = output::h5;
  h5::silence_errors();
  const auto file = h5::File::open_read(path);
  if (!file.has_attribute("filetype") || file.string_attribute("filetype") != SUMMARY_FILETYPE)
    throw sim::InputError(
        path + ": error: not a kochmon sweep summary (filetype '" +
        (file.has_attribute("filetype") ? file.string_attribute("filetype") : "") +
        "', expected '" + SUMMARY_FILETYPE + "')");
  const auto ds = file.open_dataset("summary");
  const hid_t ftype = H5Dget_type(ds.id());
  const int n_fields = H5Tget_nmembers(ftype);
  const auto n = ds.space().dims().at(0);
  Table t;
  std::vector<std::vector<std::string>> cols;
  for (int f = 0; f < n_fields; ++f) {
    char* name = H5Tget_member_name(ftype, static_cast<unsigned>(f));
    t.columns.emplace_back(name);
    H5free_memory(name);
    const hid_t mt = H5Tget_member_type(ftype, static_cast<unsigned>(f));
    const H5T_class_t cls = H5Tget_class(mt);
    std::vector<std::string> col;
    if (cls == H5T_STRING) {
      const std::size_t w = H5Tget_size(mt);
      const hid_t one = H5Tcreate(H5T_COMPOUND, w);
      H5Tinsert(one, t.columns.back().c_str(), 0, mt);
      std::vector<char> buf(w * n);
      check(H5Dread(ds.id(), one, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read", path);
      for (hsize_t i = 0; i < n; ++i) {
        std::string s(buf.data() + i * w, w);
        s.erase(s.find_last_not_of('\0') + 1);
        col.push_back(s);
      }
      H5Tclose(one);
    } else {
      const bool is_float = cls == H5T_FLOAT;
      const hid_t one = H5Tcreate(H5T_COMPOUND, 8);
      H5Tinsert(one, t.columns.back().c_str(), 0, is_float ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64);
      std::vector<unsigned char> buf(8 * n);
      check(H5Dread(ds.id(), one, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "read", path);
      for (hsize_t i = 0; i < n; ++i) {
        if (is_float) {
          double v = 0;
          std::memcpy(&v, buf.data() + 8 * i, 8);
          col.push_back(number_cell(v));
        } else {
          std::int64_t v = 0;
          std::memcpy(&v, buf.data() + 8 * i, 8);
          col.push_back(std::to_string(v));
        }
      }
      H5Tclose(one);
    }
    H5Tclose(mt);
    cols.push_back(std::move(col));
  }
  H5Tclose(ftype);
  for (hsize_t i = 0; i < n; ++i) {
    std::vector<std::string> row;
    for (auto& col : cols)
      row.push_back(col[i]);
    t.rows.push_back(std::move(row));
  }
  return t;
}

} // namespace kochmon::sweep
