#ifndef KOCHMON_SCENARIOS_LOAD_CSV_TABLE_H
#define KOCHMON_SCENARIOS_LOAD_CSV_TABLE_H

// Long-format data files (scenarios/kyrgyzstan/data/DATA.md): one header row, comma-separated,
// double-quoted fields may hold commas; columns year, variable, value, and optionally an id
// column (the first of region, country, id) and source.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/load/diagnostics.h"

namespace kochmon::scenarios {

struct CsvTable {
  struct Row {
    int line = 0;
    std::vector<std::string> fields;
  };
  std::string path; // as it is printed in messages
  std::vector<std::string> header;
  std::vector<Row> rows;
  int col_year = -1, col_variable = -1, col_value = -1, col_id = -1, col_source = -1;
  std::string id_column; // "region", "country", "id" or ""

  const std::string& field(const Row& row, int col) const { return row.fields[col]; }
};

//! Reads each CSV file once per load. A file that cannot be read or has a bad structure is
//! reported once (in `diag`) and then returned as nullptr.
class CsvCache {
public:
  explicit CsvCache(Diagnostics& diag) : diag_(diag) {}
  //! `path` opens the file; `shown` is the path as printed in messages.
  //! `where`/`key` locate the YAML key that asked, for a file that cannot be read.
  const CsvTable* get(const std::string& path, const Pos& where, const std::string& key);

private:
  Diagnostics& diag_;
  std::map<std::string, std::unique_ptr<CsvTable>> tables_;
};

//! Splits one CSV line into fields (RFC 4180 quotes, "" inside quotes is a quote). Returns
//! nullopt on an unterminated quote.
std::optional<std::vector<std::string>> split_csv_line(const std::string& line);

} // namespace kochmon::scenarios

#endif
