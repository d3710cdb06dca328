#include "scenarios/load/key_path.h"

#include <algorithm>

namespace kochmon::scenarios {

namespace {

constexpr std::size_t MAX_INDEX = 1000000;

const char* const BRACKET_HINT =
    "select a list entry by index (decision.rules[0]) or by id (regions[osh_city])";
const char* const KEY_HINT = "a key path is keys joined by dots, e.g. "
                             "decision.rules[0].params.b_wage or regions[osh_city].wage_som.factor";

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

} // namespace

KeyPathError parse_key_path(std::string_view path, std::vector<PathStep>& steps) {
  steps.clear();
  if (path.empty()) return {"an empty key path", KEY_HINT};
  std::size_t i = 0;
  // After a step: the end, or '.' and a key, or '[' and a selector.
  auto after_step = [&](std::size_t at) -> KeyPathError {
    i = at;
    if (i == path.size() || path[i] == '[') return {};
    if (path[i] != '.')
      return {"expected '.' or '[' after ']', got '" + std::string(1, path[i]) + "'", KEY_HINT};
    ++i;
    if (i == path.size()) return {"the key path ends with '.'", KEY_HINT};
    if (path[i] == '.') return {"an empty key between two dots", KEY_HINT};
    if (path[i] == '[') return {"'.' before '['; write name[...] without a dot", BRACKET_HINT};
    return {};
  };
  while (i < path.size()) {
    if (path[i] == '[') {
      if (steps.empty()) return {"the key path starts with '['; name the list first", BRACKET_HINT};
      const std::size_t close = path.find(']', i + 1);
      const std::size_t open = path.find('[', i + 1);
      if (close == std::string_view::npos) return {"'[' without a closing ']'", BRACKET_HINT};
      if (open < close) return {"'[' inside brackets", BRACKET_HINT};
      const std::string_view inside = path.substr(i + 1, close - i - 1);
      if (inside.empty()) return {"empty brackets '[]'", BRACKET_HINT};
      PathStep step;
      if (all_digits(inside)) {
        step.kind = PathStep::Kind::index;
        if (inside.size() > 7 || std::stoul(std::string(inside)) > MAX_INDEX)
          return {"index " + std::string(inside) + " is too large", BRACKET_HINT};
        step.index = std::stoul(std::string(inside));
      } else if ((inside[0] == '-' || inside[0] == '+') && all_digits(inside.substr(1))) {
        return {"a list index is a whole number >= 0, got '" + std::string(inside) + "'",
                BRACKET_HINT};
      } else {
        step.kind = PathStep::Kind::id;
        step.text = std::string(inside);
      }
      steps.push_back(std::move(step));
      if (auto e = after_step(close + 1); !e.empty()) return e;
    } else {
      if (path[i] == '.') return {"the key path starts with '.'", KEY_HINT};
      const std::size_t end = std::min(path.find_first_of(".[]=", i), path.size());
      if (end < path.size() && path[end] == ']')
        return {"']' without an opening '['", BRACKET_HINT};
      if (end < path.size() && path[end] == '=') return {"'=' in the key path", KEY_HINT};
      PathStep step;
      step.text = std::string(path.substr(i, end - i));
      steps.push_back(std::move(step));
      if (end < path.size() && path[end] == '[') {
        i = end;
        continue;
      }
      if (auto e = after_step(end); !e.empty()) return e;
    }
  }
  return {};
}

ParsedOverride parse_override(const std::string& text) {
  ParsedOverride out;
  const std::size_t eq = text.find('=');
  out.path = text.substr(0, eq);
  const KeyPathError syntax = {"expected key.path=value",
                               "for example --set decision.rules[0].params.b_wage=1.5 or "
                               "--set regions[osh_city].wage_som.factor=0.9"};
  if (out.path.empty()) {
    out.error = syntax;
    out.no_equals = true;
    return out;
  }
  out.error = parse_key_path(out.path, out.steps);
  if (!out.error.empty()) return out;
  if (eq == std::string::npos) {
    out.error = syntax;
    out.no_equals = true;
    return out;
  }
  out.value = text.substr(eq + 1);
  return out;
}

std::string show_path(const std::vector<PathStep>& steps, std::size_t count) {
  std::string out;
  for (std::size_t k = 0; k < count && k < steps.size(); ++k) {
    const PathStep& s = steps[k];
    switch (s.kind) {
    case PathStep::Kind::key:
      out += (out.empty() ? "" : ".") + s.text;
      break;
    case PathStep::Kind::index:
      out += "[" + std::to_string(s.index) + "]";
      break;
    case PathStep::Kind::id:
      out += "[" + s.text + "]";
      break;
    }
  }
  return out;
}

} // namespace kochmon::scenarios
