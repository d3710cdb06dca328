#include "scenarios/load/inherit.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace kochmon::scenarios {

namespace fs = std::filesystem;

namespace {

//! The `id` of a list element that is a map with a scalar id, else nullptr.
const std::string* element_id(const Node& n) {
  if (!n.is_map()) return nullptr;
  const Node* id = n.get("id");
  return id != nullptr && id->is_scalar() ? &id->scalar : nullptr;
}

//! A <series> written as a map (values: or csv: with modifiers) is one value.
bool is_series_map(const Node& n) {
  return n.is_map() && (n.get("values") != nullptr || n.get("csv") != nullptr);
}

bool all_have_ids(const Node& seq) {
  for (const Node& e : seq.seq)
    if (element_id(e) == nullptr) return false;
  return true;
}

} // namespace

// Maps merge key by key. Lists of places (maps with an `id`, e.g. regions and destinations)
// merge element by element by id, so a variant lists only the places it changes; elements
// with a new id are appended. A <series> and any other value are replaced whole.
void merge_into(Node& into, Node over) {
  if (into.is_seq() && over.is_seq() && !over.seq.empty() && all_have_ids(into) &&
      all_have_ids(over)) {
    for (Node& e : over.seq) {
      Node* same = nullptr;
      for (Node& mine : into.seq)
        if (*element_id(mine) == *element_id(e)) same = &mine;
      if (same != nullptr)
        merge_into(*same, std::move(e));
      else
        into.seq.push_back(std::move(e));
    }
    return;
  }
  if (!into.is_map() || !over.is_map() || is_series_map(into) || is_series_map(over)) {
    into = std::move(over);
    return;
  }
  for (auto& e : over.map) {
    if (Node* existing = into.get(e.key)) {
      merge_into(*existing, std::move(e.value));
      for (auto& mine : into.map)
        if (mine.key == e.key) mine.key_pos = e.key_pos;
    } else {
      into.map.push_back(std::move(e));
    }
  }
}

namespace {

std::string canonical_or_same(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

Node read_chain(const std::string& path, Diagnostics& diag, std::vector<std::string>& chain,
                std::vector<std::string>& shown) {
  Node node = read_yaml_file(path, diag);
  if (!node.is_map()) return node;
  const Node* base = node.get("base");
  if (base == nullptr) return node;
  const Node base_value = *base;
  node.erase("base");
  if (!base_value.is_scalar() || base_value.scalar.empty()) {
    diag.error(base_value.pos, "base", "expected a file path, got " + base_value.describe());
    return node;
  }
  const std::string base_path =
      (fs::path(dir_of(path)) / base_value.scalar).lexically_normal().string();
  const std::string canon = canonical_or_same(base_path);
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (chain[i] == canon) {
      std::vector<std::string> cycle(shown.begin() + static_cast<long>(i), shown.end());
      cycle.push_back(base_path);
      diag.error(base_value.pos, "base", "inheritance cycle: " + join(cycle, " -> "),
                 "remove one of the base: keys");
      return node;
    }
  }
  {
    // Reported here, at the base: key, rather than as a file without a position.
    std::error_code ec;
    const bool is_dir = fs::is_directory(base_path, ec);
    errno = 0;
    std::ifstream probe;
    if (!is_dir) probe.open(base_path, std::ios::binary);
    if (is_dir || !probe) {
      const int err = is_dir ? EISDIR : (errno != 0 ? errno : EIO);
      diag.error(base_value.pos, "base", "cannot read '" + base_path + "': " + std::strerror(err),
                 "check the path; it is relative to the file that names it");
      return node;
    }
  }
  chain.push_back(canon);
  shown.push_back(base_path);
  Node merged = read_chain(base_path, diag, chain, shown);
  chain.pop_back();
  shown.pop_back();
  if (merged.is_null()) return node; // already reported
  if (!merged.is_map()) {
    diag.error(base_value.pos, "base", "'" + base_path + "' is not a map of scenario keys");
    return node;
  }
  merge_into(merged, std::move(node));
  return merged;
}

struct Step {
  std::string key; // map key, or empty for an index
  long index = -1;
};

bool parse_path(const std::string& path, std::vector<Step>& steps) {
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) return false;
      long idx = 0;
      for (std::size_t k = i + 1; k < close; ++k) {
        if (path[k] < '0' || path[k] > '9' || idx > 1000000) return false;
        idx = idx * 10 + (path[k] - '0');
      }
      steps.push_back({{}, idx});
      i = close + 1;
      if (i < path.size() && path[i] == '.') {
        ++i;
        if (i == path.size()) return false;
      }
    } else {
      std::size_t end = path.find_first_of(".[", i);
      if (end == std::string::npos) end = path.size();
      if (end == i) return false;
      steps.push_back({path.substr(i, end - i), -1});
      i = end;
      if (i < path.size() && path[i] == '.') {
        ++i;
        if (i == path.size()) return false;
      }
    }
  }
  return !steps.empty();
}

} // namespace

Node read_with_bases(const std::string& path, Diagnostics& diag) {
  std::vector<std::string> chain{canonical_or_same(path)};
  std::vector<std::string> shown{path};
  return read_chain(path, diag, chain, shown);
}

void apply_override(Node& root, const std::string& spec, const std::string& dir,
                    Diagnostics& diag) {
  const Pos origin{"--set " + spec, 0, 0};
  const std::size_t eq = spec.find('=');
  std::vector<Step> steps;
  if (eq == std::string::npos || !parse_path(spec.substr(0, eq), steps)) {
    diag.error(origin, {}, "expected key.path=value",
               "for example --set decision.rules[0].params.b_wage=1.5");
    return;
  }
  const std::string key_path = spec.substr(0, eq);
  Node value;
  std::string message;
  if (!parse_yaml_text(spec.substr(eq + 1), origin, dir, value, message)) {
    diag.error(origin, key_path, "cannot parse the value: " + message);
    return;
  }
  Node* cur = &root;
  std::string shown;
  for (const Step& s : steps) {
    if (s.index < 0) {
      if (cur->is_null()) {
        cur->kind = Node::Kind::map;
        cur->pos = origin;
      }
      if (!cur->is_map()) {
        diag.error(origin, shown,
                   "is " + cur->describe() + ", not a map; cannot set '" + s.key + "' in it");
        return;
      }
      if (cur->get(s.key) == nullptr) {
        Node fresh;
        fresh.pos = origin;
        fresh.dir = dir;
        cur->map.push_back({s.key, origin, std::move(fresh)});
      }
      cur = cur->get(s.key);
      shown += (shown.empty() ? "" : ".") + s.key;
    } else {
      if (!cur->is_seq()) {
        diag.error(origin, shown, "is " + cur->describe() + ", not a list");
        return;
      }
      if (static_cast<std::size_t>(s.index) >= cur->seq.size()) {
        diag.error(origin, shown + "[" + std::to_string(s.index) + "]",
                   "index out of range: the list has " + std::to_string(cur->seq.size()) +
                       " entries");
        return;
      }
      cur = &cur->seq[static_cast<std::size_t>(s.index)];
      shown += "[" + std::to_string(s.index) + "]";
    }
  }
  *cur = std::move(value);
}

} // namespace kochmon::scenarios
