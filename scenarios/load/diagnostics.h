#ifndef KOCHMON_SCENARIOS_LOAD_DIAGNOSTICS_H
#define KOCHMON_SCENARIOS_LOAD_DIAGNOSTICS_H

// Collects scenario errors in the compiler format (STYLE.md §7) and throws them together.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kochmon::scenarios {

//! Where a value was written: a file (as given) and a 1-based line and column. line == 0 means
//! "no position" (a --set override, or a whole file), printed as "file: error: ..."; col == 0
//! prints the line only ("data.csv:12: error: ...").
struct Pos {
  std::string file;
  int line = 0;
  int col = 0;
};

class Diagnostics {
public:
  static constexpr std::size_t MAX_ERRORS = 20;

  //! Records "pos: error: key: what" and an optional "  hint: ..." line. `key` may be empty.
  void error(const Pos& pos, std::string_view key, std::string_view what,
             std::string_view hint = {});
  std::size_t count() const { return count_; }
  bool full() const { return count_ >= MAX_ERRORS; }
  //! Throws sim::InputError with every message if any error was recorded.
  void throw_if_any() const;

private:
  struct Message {
    Pos pos;
    std::vector<std::string> lines; // the error and its hint
  };
  std::vector<Message> messages_;
  std::size_t count_ = 0;
};

//! Levenshtein distance between two names.
std::size_t edit_distance(std::string_view a, std::string_view b);

//! The candidate closest to `name`, or "" when none is plausibly a misspelling of it.
std::string nearest(std::string_view name, const std::vector<std::string>& candidates);

//! "did you mean 'x'? known <what>: a, b, c": the list only when there are 8 or fewer
//! candidates; "" when there is nothing useful to say.
std::string suggest(std::string_view name, const std::vector<std::string>& candidates,
                    std::string_view what);

//! "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

} // namespace kochmon::scenarios

#endif
