// Spec files checked one map at a time against their schema tables, with the checks of the
// scenario loader (normalize.cpp): the same messages for the same mistakes.

#include "scenarios/load/spec_check.h"

#include "scenarios/load/context.h"

namespace kochmon::scenarios {

using schema::Key;
using schema::Type;

bool check_spec_map(const Node& map, const std::vector<Key>& table, std::string_view pattern,
                    const std::string& shown, Diagnostics& diag, std::string_view reference) {
  const std::string see = "see " + std::string(reference);
  if (!map.is_map()) {
    diag.error(map.pos, shown, "expected a map, got " + map.describe(), see);
    return false;
  }
  const std::vector<const Key*> allowed = schema::children(table, pattern);
  std::vector<std::string> names;
  for (const Key* k : allowed)
    names.push_back(std::string(schema::leaf(k->path)));
  check_known_keys(map, names, pattern, shown, diag, {}, true);
  for (const Key* k : allowed) {
    const std::string name(schema::leaf(k->path));
    const std::string at = shown.empty() ? name : shown + "." + name;
    const Node* given = map.get(name);
    if (given == nullptr) {
      if (k->required)
        diag.error(map.pos, at, "required key is missing",
                   "add '" + name + ":' to " +
                       (shown.empty() ? std::string("the top level") : shown) + "; " + see);
      continue;
    }
    switch (k->type) {
    case Type::section:
      if (!given->is_map())
        diag.error(given->pos, at,
                   "expected a " +
                       (k->type_text.empty() ? std::string("map") : std::string(k->type_text)) +
                       ", got " + given->describe(),
                   see);
      break;
    case Type::list:
      if (!given->is_seq() || (k->non_empty && given->seq.empty()))
        diag.error(given->pos, at,
                   std::string(k->non_empty ? "expected a non-empty list, got "
                                            : "expected a list, got ") +
                       given->describe(),
                   see);
      break;
    case Type::integer:
      if (!(k->map_form && given->is_map())) check_value(*k, *given, at, diag);
      break;
    default:
      check_value(*k, *given, at, diag);
      break;
    }
  }
  return true;
}

Node read_spec_file(const std::string& path, std::string_view what, std::string_view expected,
                    const std::string& hint, Diagnostics& diag) {
  Node root = read_yaml_file(path, diag);
  diag.throw_if_any();
  if (!root.is_map()) {
    diag.error(root.pos.line ? root.pos : Pos{path, 1, 1}, {},
               root.is_null() ? std::string(what) + " is empty"
                              : "expected " + std::string(expected) + ", got " + root.describe(),
               hint);
    diag.throw_if_any();
  }
  return root;
}

std::optional<std::string> spec_string(const Node* n) {
  if (n == nullptr || !n->is_scalar()) return std::nullopt;
  return n->scalar;
}

std::optional<double> spec_number(const Node* n) {
  return n && n->is_scalar() ? parse_number(n->scalar) : std::nullopt;
}

std::optional<std::int64_t> spec_integer(const Node* n) {
  return n && n->is_scalar() ? parse_integer(n->scalar) : std::nullopt;
}

std::optional<bool> spec_bool(const Node* n) {
  if (n && n->is_scalar() && !n->quoted && (n->scalar == "true" || n->scalar == "false"))
    return n->scalar == "true";
  return std::nullopt;
}

} // namespace kochmon::scenarios
