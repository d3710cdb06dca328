#include "scenarios/load/inherit.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "scenarios/load/key_path.h"

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
// with a new id are appended. A <series> and any other value are replaced whole, except that a
// <series> with `from:` keeps the value it replaces as its `before:`.
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
    // A lever from a date keeps what it overrides for the months before it.
    if (is_series_map(over) && over.get("from") != nullptr && over.get("before") == nullptr &&
        !into.is_null())
      over.map.push_back({"before", over.get("from")->pos, std::move(into)});
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

} // namespace

Node read_with_bases(const std::string& path, Diagnostics& diag) {
  std::vector<std::string> chain{canonical_or_same(path)};
  std::vector<std::string> shown{path};
  return read_chain(path, diag, chain, shown);
}

void apply_override(Node& root, const std::string& spec, const std::string& dir,
                    Diagnostics& diag) {
  const Pos origin{"--set " + spec, 0, 0};
  const ParsedOverride parsed = parse_override(spec);
  if (!parsed.error.empty()) {
    // Without '=' there is no key to name; a malformed path is named.
    diag.error(origin, parsed.no_equals ? std::string() : parsed.path, parsed.error.what,
               parsed.error.hint);
    return;
  }
  const std::string& key_path = parsed.path;
  Node value;
  std::string message;
  if (!parse_yaml_text(parsed.value, origin, dir, value, message)) {
    diag.error(origin, key_path, "cannot parse the value: " + message);
    return;
  }
  Node* cur = &root;
  const std::vector<PathStep>& steps = parsed.steps;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const PathStep& s = steps[k];
    const std::string shown = show_path(steps, k);
    if (s.kind == PathStep::Kind::key) {
      if (cur->is_null()) {
        cur->kind = Node::Kind::map;
        cur->pos = origin;
      }
      if (!cur->is_map()) {
        diag.error(origin, shown,
                   "is " + cur->describe() + ", not a map; cannot set '" + s.text + "' in it");
        return;
      }
      if (cur->get(s.text) == nullptr) {
        Node fresh;
        fresh.pos = origin;
        fresh.dir = dir;
        cur->map.push_back({s.text, origin, std::move(fresh)});
      }
      cur = cur->get(s.text);
      continue;
    }
    if (!cur->is_seq()) {
      diag.error(origin, shown, "is " + cur->describe() + ", not a list");
      return;
    }
    if (s.kind == PathStep::Kind::index) {
      if (s.index >= cur->seq.size()) {
        diag.error(origin, show_path(steps, k + 1),
                   "index out of range: the list has " + std::to_string(cur->seq.size()) +
                       " entries");
        return;
      }
      cur = &cur->seq[s.index];
      continue;
    }
    // By id: the first entry whose id is the text between the brackets.
    std::vector<std::string> ids;
    Node* found = nullptr;
    for (Node& e : cur->seq)
      if (const std::string* id = element_id(e)) {
        if (found == nullptr && *id == s.text) found = &e;
        ids.push_back(*id);
      }
    if (found != nullptr) {
      cur = found;
      continue;
    }
    if (ids.empty()) {
      diag.error(origin, show_path(steps, k + 1),
                 "cannot select by id: the entries of " + shown + " have no id",
                 cur->seq.empty() ? shown + " is empty"
                                  : "select by index, e.g. " + shown + "[0] (the list has " +
                                        std::to_string(cur->seq.size()) +
                                        (cur->seq.size() == 1 ? " entry)" : " entries)"));
      return;
    }
    constexpr std::size_t SHOWN_IDS = 20;
    std::vector<std::string> listed(
        ids.begin(), ids.begin() + static_cast<long>(std::min(ids.size(), SHOWN_IDS)));
    std::string known = join(listed);
    if (ids.size() > SHOWN_IDS) known += ", ... (" + std::to_string(ids.size()) + " in all)";
    const std::string near = nearest(s.text, ids);
    diag.error(origin, show_path(steps, k + 1),
               "no element with id '" + s.text + "' in " + shown + "; ids are: " + known,
               near.empty() ? std::string() : "did you mean '" + near + "'?");
    return;
  }
  *cur = std::move(value);
}

} // namespace kochmon::scenarios
