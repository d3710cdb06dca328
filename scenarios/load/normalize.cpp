// Step 1 of validation: the shape of the scenario against the schema tables.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "scenarios/load/context.h"

namespace kochmon::scenarios {

using schema::Key;
using schema::Type;

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (*first == '+') ++first;
  double v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> parse_integer(const std::string& text) {
  if (text.empty()) return std::nullopt;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (*first == '+') ++first;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) return std::nullopt;
  return v;
}

bool is_id(const std::string& text) {
  if (text.empty() || text[0] < 'a' || text[0] > 'z') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string format_number(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string out(buf, ptr);
  // Keep a number looking like a number in YAML (1e+20 and 3 are fine; nothing to add).
  return out;
}

std::string expected_in(const char* what, const schema::Range& range, bool whole) {
  std::string out = what;
  if (!range.bounded()) return out;
  const bool both = std::isfinite(range.min) && std::isfinite(range.max);
  return out + (both ? " in " : " ") + range.str(whole);
}

bool check_value(const Key& k, const Node& n, const std::string& shown, Diagnostics& diag) {
  auto type_error = [&](const std::string& expected) {
    diag.error(n.pos, shown, "expected " + expected + ", got " + n.describe());
    return false;
  };
  switch (k.type) {
  case Type::string:
  case Type::path:
    if (!n.is_scalar()) return type_error(k.type == Type::path ? "a file path" : "a string");
    if (k.type == Type::path && n.scalar.empty()) return type_error("a file path");
    return true;
  case Type::id:
    if (!n.is_scalar() || !is_id(n.scalar))
      return type_error("an id (a-z, 0-9 and _, starting with a letter)");
    return true;
  case Type::rule:
  case Type::combinator:
    if (!n.is_scalar()) return type_error("a name");
    return true;
  case Type::number: {
    const auto v = n.is_scalar() ? parse_number(n.scalar) : std::nullopt;
    if (!v) return type_error("a number");
    if (!k.range.contains(*v)) {
      diag.error(n.pos, shown,
                 "expected " + expected_in("a number", k.range) + ", got " + n.scalar);
      return false;
    }
    return true;
  }
  case Type::integer: {
    const auto v = n.is_scalar() ? parse_integer(n.scalar) : std::nullopt;
    if (!v) return type_error(expected_in("an integer", k.range, true));
    if (!k.range.contains(static_cast<double>(*v))) {
      diag.error(n.pos, shown,
                 "expected " + expected_in("an integer", k.range, true) + ", got " + n.scalar);
      return false;
    }
    return true;
  }
  case Type::boolean:
    if (!n.is_scalar() || n.quoted || (n.scalar != "true" && n.scalar != "false"))
      return type_error("true or false");
    return true;
  case Type::month:
    if (!n.is_scalar() || !sim::Month::parse(n.scalar)) return type_error("a month YYYY-MM");
    return true;
  case Type::choice: {
    std::vector<std::string> choices(k.choices.begin(), k.choices.end());
    if (!n.is_scalar() || std::find(choices.begin(), choices.end(), n.scalar) == choices.end()) {
      const std::string near = n.is_scalar() ? nearest(n.scalar, choices) : std::string();
      diag.error(n.pos, shown, "expected one of " + join(choices) + ", got " + n.describe(),
                 near.empty() ? std::string() : "did you mean '" + near + "'?");
      return false;
    }
    return true;
  }
  case Type::strings:
  case Type::integers: {
    const bool whole = k.type == Type::integers;
    const std::string what = !k.type_text.empty() ? std::string(k.type_text)
                             : whole              ? expected_in("list of integers", k.range, true)
                                                  : std::string("list of strings");
    if (!n.is_seq() || (k.non_empty && n.seq.empty()))
      return type_error(std::string(k.non_empty ? "a non-empty " : "a ") + what);
    bool ok = true;
    for (std::size_t i = 0; i < n.seq.size(); ++i) {
      const Node& e = n.seq[i];
      const std::string at = shown + "[" + std::to_string(i) + "]";
      if (!e.is_scalar()) {
        diag.error(e.pos, at,
                   std::string("expected ") + (whole ? "an integer" : "a string") + ", got " +
                       e.describe());
        ok = false;
        continue;
      }
      if (!whole) continue;
      const auto v = parse_integer(e.scalar);
      if (!v || !k.range.contains(static_cast<double>(*v))) {
        diag.error(e.pos, at,
                   "expected " + expected_in("an integer", k.range, true) + ", got " +
                       e.describe());
        ok = false;
      }
    }
    return ok;
  }
  case Type::numbers: {
    if (!n.is_seq()) return type_error("a list of " + std::to_string(k.count) + " numbers");
    if (static_cast<int>(n.seq.size()) != k.count) {
      diag.error(n.pos, shown,
                 "expected " + std::to_string(k.count) + " numbers, got " +
                     std::to_string(n.seq.size()));
      return false;
    }
    double sum = 0;
    bool ok = true;
    for (std::size_t i = 0; i < n.seq.size(); ++i) {
      const Node& e = n.seq[i];
      const double v = e.is_scalar() ? parse_number(e.scalar).value_or(NAN) : NAN;
      const std::string at = shown + "[" + std::to_string(i) + "]";
      if (std::isnan(v) || !k.range.contains(v)) {
        diag.error(e.pos, at,
                   "expected " + expected_in("a number", k.range) + ", got " + e.describe());
        ok = false;
      } else {
        sum += v;
      }
    }
    if (ok && k.sums_to_one && std::abs(sum - 1.0) > 1e-6) {
      diag.error(n.pos, shown, "expected shares that sum to 1, got a sum of " + format_number(sum));
      ok = false;
    }
    if (ok && k.sum_at_most_one && sum > 1.0 + 1e-9) {
      diag.error(n.pos, shown,
                 "expected shares that sum to at most 1, got a sum of " + format_number(sum));
      ok = false;
    }
    return ok;
  }
  default:
    return true;
  }
}

void check_known_keys(const Node& map, const std::vector<std::string>& names,
                      std::string_view pattern, const std::string& shown, Diagnostics& diag,
                      const std::vector<schema::RetiredKey>& retired, bool list_known) {
  for (std::size_t i = 0; i < map.map.size(); ++i) {
    const auto& e = map.map[i];
    const std::string at = shown.empty() ? e.key : shown + "." + e.key;
    if (std::find(names.begin(), names.end(), e.key) == names.end()) {
      std::string hint;
      const std::string near = nearest(e.key, names);
      const std::string full = pattern.empty() ? e.key : std::string(pattern) + "." + e.key;
      const auto old = std::find_if(retired.begin(), retired.end(),
                                    [&](const schema::RetiredKey& r) { return r.path == full; });
      if (old != retired.end())
        hint = std::string(old->hint);
      else if (list_known)
        hint = suggest(e.key, names, "keys here");
      else if (!near.empty())
        hint = "did you mean '" + near + "'?";
      else if (names.size() <= 8)
        hint = "known keys here: " + join(names);
      diag.error(e.key_pos, at, "unknown key", hint);
      continue;
    }
    for (std::size_t j = 0; j < i; ++j)
      if (map.map[j].key == e.key) {
        diag.error(e.key_pos, at, "key given twice", "remove one of them");
        break;
      }
  }
}

namespace {

std::string child_path(const std::string& shown, std::string_view key) {
  return shown.empty() ? std::string(key) : shown + "." + std::string(key);
}

Node scalar_node(const std::string& text, const Node& like) {
  Node n;
  n.kind = Node::Kind::scalar;
  n.scalar = text;
  n.pos = like.pos;
  n.dir = like.dir;
  return n;
}

void normalize_map(Node& map, const std::string& pattern, const std::string& shown,
                   LoadContext& ctx);
void normalize_abroad_model(Node& map, const std::string& pattern, const std::string& shown,
                            LoadContext& ctx);

// Checks the parameters of the plug-in named by map[name_key] and fills in their defaults.
template <class Registry>
void normalize_params(Node& map, const char* name_key, const char* params_key,
                      const std::string& shown, const Registry& registry, const char* what,
                      LoadContext& ctx) {
  Node* name = map.get(name_key);
  Node* params = map.get(params_key);
  if (name == nullptr || !name->is_scalar()) return;
  const sim::PluginInfo* info = registry.find(name->scalar);
  if (info == nullptr) {
    std::vector<std::string> names;
    for (const auto* p : registry.all())
      names.push_back(p->name);
    ctx.diag.error(name->pos, child_path(shown, name_key),
                   std::string("unknown ") + what + " '" + name->scalar + "'",
                   suggest(name->scalar, names, std::string(what) + "s"));
    return;
  }
  if (params == nullptr) return;
  const std::string params_shown = child_path(shown, params_key);
  if (params->is_null()) params->kind = Node::Kind::map;
  if (!params->is_map()) {
    ctx.diag.error(params->pos, params_shown,
                   "expected a map of parameters, got " + params->describe());
    return;
  }
  std::vector<std::string> names;
  for (const auto& p : info->params)
    names.push_back(p.name);
  std::vector<Node::Entry> ordered;
  for (const auto& e : params->map) {
    if (std::find(names.begin(), names.end(), e.key) == names.end()) {
      ctx.diag.error(e.key_pos, child_path(params_shown, e.key),
                     std::string("unknown parameter of ") + what + " '" + info->name + "'",
                     suggest(e.key, names, "parameters"));
    }
  }
  for (const auto& p : info->params) {
    const Node* given = params->get(p.name);
    const std::string at = child_path(params_shown, p.name);
    if (given == nullptr) {
      ordered.push_back(
          {p.name, params->pos, scalar_node(format_number(p.default_value), *params)});
      continue;
    }
    const auto v = given->is_scalar() ? parse_number(given->scalar) : std::nullopt;
    const std::string hint = p.meaning + "; see scenarios/REFERENCE.md#" + info->name;
    const schema::Range range{p.min, p.max, false, false};
    if (!v) {
      ctx.diag.error(given->pos, at, "expected a number, got " + given->describe(), hint);
    } else if (!range.contains(*v)) {
      ctx.diag.error(given->pos, at,
                     "expected " + expected_in("a number", range) + ", got " + given->scalar, hint);
    }
    for (auto& e : params->map)
      if (e.key == p.name) {
        ordered.push_back(std::move(e));
        break;
      }
  }
  params->map = std::move(ordered);
}

void normalize_map(Node& map, const std::string& pattern, const std::string& shown,
                   LoadContext& ctx) {
  if (map.is_null()) map.kind = Node::Kind::map;
  if (!map.is_map()) {
    ctx.diag.error(map.pos, shown.empty() ? std::string("scenario") : shown,
                   "expected a map, got " + map.describe());
    return;
  }
  const std::vector<const Key*> allowed = schema::children(pattern);
  std::vector<std::string> names;
  for (const Key* k : allowed)
    if (k->path != "base") names.push_back(std::string(schema::leaf(k->path)));

  check_known_keys(map, names, pattern, shown, ctx.diag, schema::retired_keys());

  // Schema order, defaults filled in.
  std::vector<Node::Entry> ordered;
  for (const Key* k : allowed) {
    const std::string name(schema::leaf(k->path));
    if (name == "base") continue;
    const std::string at = child_path(shown, name);
    Node* given = map.get(name);
    if (given == nullptr) {
      if (k->required) {
        ctx.diag.error(map.pos, at, "required key is missing",
                       "add '" + name + ":' to " +
                           (shown.empty() ? std::string("the top level") : shown));
        continue;
      }
      Node value;
      if (!k->default_value.empty()) {
        std::string message;
        const bool ok =
            parse_yaml_text(std::string(k->default_value), map.pos, map.dir, value, message);
        KOCHMON_ASSERT(ok, "a schema default is not valid YAML");
      } else if (k->type == Type::section) {
        value.kind = Node::Kind::map;
        value.pos = map.pos;
        value.dir = map.dir;
      } else if (name == "name" && (pattern == "regions[]" || pattern == "destinations[]")) {
        const Node* id = nullptr; // a place's name defaults to its id
        for (const auto& e : ordered)
          if (e.key == "id") id = &e.value;
        if (id == nullptr) continue;
        value = *id;
      } else {
        continue;
      }
      ordered.push_back({name, map.pos, std::move(value)});
    } else {
      for (auto& e : map.map)
        if (e.key == name) {
          ordered.push_back(std::move(e));
          break;
        }
    }
    Node& value = ordered.back().value;
    switch (k->type) {
    case Type::section:
      normalize_map(value, std::string(k->path), at, ctx);
      break;
    case Type::list:
      if (value.is_null() && !k->required) value.kind = Node::Kind::seq;
      if (!value.is_seq()) {
        ctx.diag.error(value.pos, at, "expected a list, got " + value.describe());
        break;
      }
      for (std::size_t i = 0; i < value.seq.size(); ++i)
        normalize_map(value.seq[i], std::string(k->path) + "[]", at + "[" + std::to_string(i) + "]",
                      ctx);
      break;
    case Type::series_map:
      if (!value.is_map())
        ctx.diag.error(value.pos, at, "expected a map of currency ids, got " + value.describe());
      break;
    case Type::series:
      // A lever from a date with nothing inherited starts from the key's default.
      if (value.is_map() && value.get("from") != nullptr && value.get("before") == nullptr &&
          !k->default_value.empty()) {
        Node before;
        std::string message;
        const bool ok = parse_yaml_text(std::string(k->default_value), value.get("from")->pos,
                                        value.dir, before, message);
        KOCHMON_ASSERT(ok, "a schema default is not valid YAML");
        value.map.push_back({"before", value.get("from")->pos, std::move(before)});
      }
      break; // read in convert()
    case Type::params:
      break; // read in normalize_params()
    default:
      check_value(*k, value, at, ctx.diag);
      break;
    }
  }
  map.map = std::move(ordered);

  if (pattern == "decision.rules[]")
    normalize_params(map, "rule", "params", shown, ctx.registries.rules, "rule", ctx);
  if (pattern == "decision")
    normalize_params(map, "combine", "combine_params", shown, ctx.registries.combinators,
                     "combinator", ctx);
  if (pattern == "abroad.return" || pattern == "abroad.job_finding")
    normalize_abroad_model(map, pattern, shown, ctx);
}

// abroad.return / abroad.job_finding: a registered model and its parameters. The default
// model takes its parameters from the flat abroad keys, so naming it here is refused (two
// places for one parameter would be ambiguous).
void normalize_abroad_model(Node& map, const std::string& pattern, const std::string& shown,
                            LoadContext& ctx) {
  const bool returns = pattern == "abroad.return";
  const char* what = returns ? "return model" : "job-finding model";
  const char* fallback = returns ? "wage_fall" : "network";
  Node* model = map.get("model");
  if (model == nullptr) {
    const Node* params = map.get("params");
    if (params && params->is_map() && !params->map.empty())
      ctx.diag.error(params->pos, child_path(shown, "params"),
                     std::string("parameters given without a ") + what,
                     std::string("name the model in ") + child_path(shown, "model") +
                         ", or set the default model's parameters with the flat abroad keys");
    return;
  }
  if (model->is_scalar() && model->scalar == fallback) {
    ctx.diag.error(model->pos, child_path(shown, "model"),
                   std::string("'") + fallback + "' is the default " + what +
                       ": its parameters are the flat abroad keys",
                   std::string("leave ") + shown + " out and set abroad." +
                       (returns ? "return_monthly, ..." : "job_finding_monthly, ..."));
    return;
  }
  if (returns)
    normalize_params(map, "model", "params", shown, ctx.registries.return_models, what, ctx);
  else
    normalize_params(map, "model", "params", shown, ctx.registries.job_models, what, ctx);
}

} // namespace

void normalize(Node& root, LoadContext& ctx) {
  normalize_map(root, "", "", ctx);
}

} // namespace kochmon::scenarios
