// The resolved scenario as YAML text.

#include <yaml-cpp/yaml.h>

#include "scenarios/load/context.h"

namespace kochmon::scenarios {

namespace {

bool is_flat(const Node& n) {
  if (n.is_seq()) {
    for (const Node& e : n.seq)
      if (!e.is_scalar()) return false;
    return true;
  }
  return false;
}

void emit(YAML::Emitter& out, const Node& n) {
  switch (n.kind) {
  case Node::Kind::null:
    out << YAML::Null;
    break;
  case Node::Kind::scalar:
    if (n.quoted) out << YAML::DoubleQuoted;
    out << n.scalar;
    break;
  case Node::Kind::seq:
    if (is_flat(n)) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const Node& e : n.seq)
      emit(out, e);
    out << YAML::EndSeq;
    break;
  case Node::Kind::map:
    if (n.map.empty()) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& e : n.map) {
      out << YAML::Key << e.key << YAML::Value;
      emit(out, e.value);
    }
    out << YAML::EndMap;
    break;
  }
}

} // namespace

std::string render_yaml(const Node& root) {
  YAML::Emitter out;
  out.SetIndent(2);
  emit(out, root);
  std::string text = out.c_str();
  text += '\n';
  return text;
}

} // namespace kochmon::scenarios
