#include "scenarios/load/loader.h"

#include "scenarios/load/context.h"
#include "scenarios/load/inherit.h"

namespace kochmon::scenarios {

sim::RunConfig load_scenario(const std::string& path, const sim::Registries& registries,
                             const LoadOptions& options) {
  Diagnostics diag;
  Node root = read_with_bases(path, diag);
  diag.throw_if_any(); // nothing sensible can be checked in a file that did not parse
  if (!root.is_map()) {
    diag.error(root.pos.line ? root.pos : Pos{path, 1, 1}, {},
               root.is_null() ? "the scenario is empty"
                              : "expected a map of scenario keys, got " + root.describe(),
               "start from scenarios/examples/tiny.yaml");
    diag.throw_if_any();
  }
  const std::string top_dir = dir_of(path);
  for (const std::string& spec : options.overrides)
    apply_override(root, spec, top_dir, diag);
  if (options.seed) {
    Node& seed = root.get_or_add("seed");
    seed = Node{};
    seed.kind = Node::Kind::scalar;
    seed.scalar = std::to_string(*options.seed);
    seed.pos = {"--seed " + seed.scalar, 0, 0};
  }
  LoadContext ctx{diag, registries, CsvCache(diag), top_dir};
  normalize(root, ctx);
  std::map<std::string, sim::Series> evaluated;
  ctx.evaluated = &evaluated;
  sim::RunConfig cfg = convert(root, ctx);
  diag.throw_if_any();
  cfg.source_path = path;
  cfg.resolved_yaml = render_yaml(root);
  cfg.resolved_values = render_series_values(evaluated, cfg.start, cfg.end);
  return cfg;
}

} // namespace kochmon::scenarios
