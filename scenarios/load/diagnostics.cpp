#include "scenarios/load/diagnostics.h"

#include <algorithm>
#include <tuple>

#include "sim/core/error.h"

namespace kochmon::scenarios {

void Diagnostics::error(const Pos& pos, std::string_view key, std::string_view what,
                        std::string_view hint) {
  ++count_;
  if (count_ > MAX_ERRORS) return;
  std::string line = pos.file;
  if (pos.line > 0) line += ":" + std::to_string(pos.line);
  if (pos.line > 0 && pos.col > 0) line += ":" + std::to_string(pos.col);
  line += ": error: ";
  if (!key.empty()) {
    line += key;
    line += ": ";
  }
  line += what;
  Message m{pos, {std::move(line)}};
  if (!hint.empty()) m.lines.push_back("  hint: " + std::string(hint));
  messages_.push_back(std::move(m));
}

void Diagnostics::throw_if_any() const {
  if (count_ == 0) return;
  // In file order: files as first seen, then by line and column.
  std::vector<std::string> files;
  for (const auto& m : messages_)
    if (std::find(files.begin(), files.end(), m.pos.file) == files.end())
      files.push_back(m.pos.file);
  auto rank = [&](const Message& m) {
    const auto f = std::find(files.begin(), files.end(), m.pos.file) - files.begin();
    return std::tuple(f, m.pos.line, m.pos.col);
  };
  std::vector<Message> sorted = messages_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const Message& a, const Message& b) { return rank(a) < rank(b); });
  std::vector<std::string> out;
  for (const auto& m : sorted)
    out.insert(out.end(), m.lines.begin(), m.lines.end());
  if (count_ > MAX_ERRORS)
    out.push_back("note: " + std::to_string(count_ - MAX_ERRORS) +
                  " more errors not shown; fix these first");
  throw sim::InputError(out);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string nearest(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string suggest(std::string_view name, const std::vector<std::string>& candidates,
                    std::string_view what) {
  std::string out;
  const std::string near = nearest(name, candidates);
  if (!near.empty()) out = "did you mean '" + near + "'?";
  if (candidates.size() <= 8) {
    if (!out.empty()) out += ' ';
    out += "known " + std::string(what) + ": ";
    out += candidates.empty() ? std::string("(none)") : join(candidates);
  }
  return out;
}

} // namespace kochmon::scenarios
