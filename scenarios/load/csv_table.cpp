#include "scenarios/load/csv_table.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace kochmon::scenarios {

std::optional<std::vector<std::string>> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (quoted) return std::nullopt;
  out.push_back(std::move(cur));
  return out;
}

const CsvTable* CsvCache::get(const std::string& path, const Pos& where, const std::string& key) {
  std::error_code ec;
  auto canon = std::filesystem::weakly_canonical(path, ec);
  const std::string cache_key = ec ? path : canon.string();
  if (auto it = tables_.find(cache_key); it != tables_.end()) return it->second.get();
  auto& slot = tables_[cache_key];

  // A directory opens as an ifstream and reads as nothing, so it is checked first; errno is
  // reset so that a stale value is never reported as the reason.
  const bool is_dir = std::filesystem::is_directory(path, ec);
  errno = 0;
  std::ifstream in;
  if (!is_dir) in.open(path, std::ios::binary);
  if (is_dir || !in) {
    const int err = is_dir ? EISDIR : (errno != 0 ? errno : EIO);
    diag_.error(where, key, "cannot read '" + path + "': " + std::strerror(err),
                "check the path; it is relative to the file the key is written in");
    return nullptr;
  }
  auto table = std::make_unique<CsvTable>();
  table->path = path;
  std::string line;
  int line_no = 0;
  bool ok = true;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_no == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (line.empty()) continue;
    auto fields = split_csv_line(line);
    if (!fields) {
      diag_.error({path, line_no, 0}, {}, "unterminated quoted field");
      ok = false;
      continue;
    }
    if (table->header.empty()) {
      table->header = std::move(*fields);
      continue;
    }
    if (fields->size() != table->header.size()) {
      diag_.error({path, line_no, 0}, {},
                  "expected " + std::to_string(table->header.size()) + " fields, got " +
                      std::to_string(fields->size()),
                  "quote fields that contain commas");
      ok = false;
      continue;
    }
    table->rows.push_back({line_no, std::move(*fields)});
  }
  auto column = [&](const std::string& name) {
    for (std::size_t i = 0; i < table->header.size(); ++i)
      if (table->header[i] == name) return static_cast<int>(i);
    return -1;
  };
  table->col_year = column("year");
  table->col_variable = column("variable");
  table->col_value = column("value");
  table->col_source = column("source");
  for (const char* name : {"region", "country", "id"}) {
    if (column(name) >= 0) {
      table->col_id = column(name);
      table->id_column = name;
      break;
    }
  }
  std::vector<std::string> missing;
  if (table->col_year < 0) missing.push_back("year");
  if (table->col_variable < 0) missing.push_back("variable");
  if (table->col_value < 0) missing.push_back("value");
  if (!missing.empty()) {
    diag_.error({path, 1, 0}, {}, "missing column(s): " + join(missing),
                "the header has: " + join(table->header));
    ok = false;
  }
  if (!ok) return nullptr;
  slot = std::move(table);
  return slot.get();
}

} // namespace kochmon::scenarios
