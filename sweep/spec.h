#ifndef KOCHMON_SWEEP_SPEC_H
#define KOCHMON_SWEEP_SPEC_H

// The sweep spec: a YAML file naming a base scenario, the swept parameters and their design,
// the replicates and the scalar metrics of each run (sweep/REFERENCE.md lists every
// key). It is validated as strictly as a scenario, with the same file:line:col messages, by
// the same positioned YAML tree (scenarios/load/tree.h).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/load/diagnostics.h"
#include "scenarios/load/tree.h"
#include "scenarios/schema/schema.h"
#include "sim/api/registry.h"
#include "sim/core/month.h"
#include "sweep/design.h"

namespace kochmon::sweep {

enum class Reduce { sum, mean, last, first, max, min };
enum class Across { sum, mean };

//! A scalar summary of one series of a run: select cells, combine them each month, reduce
//! the months of a window.
struct Metric {
  std::string name;
  std::string series;
  std::vector<std::pair<std::string, std::vector<std::string>>> select; // axis -> labels
  std::optional<sim::Month> from, to;                                   // default: the whole run
  Across across = Across::sum;
  Reduce reduce = Reduce::last;
  double scale = 1.0;
  //! A series with the same axes whose cells weight the cells of `series` when they combine
  //! each month: across mean gives sum(w x) / sum(w), across sum gives sum(w x). Empty: none.
  std::string weight;
  scenarios::Pos pos; // where the metric is written, for messages
};

const char* name_of(Reduce r);
//! Reads one metric map from the positioned tree, recording errors in `diag`; shared with other
//! spec files (validation targets). The map is checked against `table` at `pattern`: a table
//! that holds metric_keys(pattern) (sweep/schema.h) and any keys the caller reads itself.
Metric read_metric(const scenarios::Node& n, const std::string& shown, scenarios::Diagnostics& diag,
                   const std::vector<scenarios::schema::Key>& table, std::string_view pattern,
                   std::string_view reference);
const char* name_of(Across a);

struct Spec {
  std::string path; // the spec file as given
  std::string name;
  std::string base; // the base scenario, absolute
  std::uint64_t seed = 1;
  std::vector<std::string> set; // fixed overrides of every run, "key.path=value"
  //! `kochmon sweep --set`: applied after `set:` and before the parameters; written into the
  //! normalised spec's `set:` (after the spec's own), so they are part of the sweep's identity.
  std::vector<std::string> command_line_set;
  DesignSpec design;
  //! design.method posterior: the posterior file the list design's draws come from (absolute);
  //! the normalised spec names it in its first line, a comment (tools/analysis reads it).
  std::string posterior;
  std::vector<Parameter> parameters;
  scenarios::Pos parameters_pos;
  int replicates = 1;
  std::vector<std::uint64_t> seeds; // explicit seeds (then replicates == seeds.size())
  bool common_seeds = false;        // derived seeds shared by every point
  std::vector<Metric> metrics;

  //! The spec with every default filled in, as YAML (written to the sweep directory).
  std::string normalized;

  //! The overrides of every run: `set:`, then the command line's --set.
  std::vector<std::string> fixed_overrides() const;
  std::uint64_t points() const { return design_size(design, parameters); }
  std::uint64_t runs() const { return points() * static_cast<std::uint64_t>(replicates); }
  //! The seed of a run: the listed seed, or one derived from (sweep seed, point, replicate).
  std::uint64_t run_seed(std::uint64_t point, int replicate) const;
};

//! Reads and validates a spec file; every error found (at most 20) is reported at once.
//! `check_base`: the base scenario must exist (not needed to analyse a finished sweep).
//! `command_line_set`: `kochmon sweep --set` overrides (Spec::command_line_set).
//! Throws sim::InputError.
Spec load_spec(const std::string& path, bool check_base = true,
               const std::vector<std::string>& command_line_set = {});

//! Loads the base scenario with point 0's overrides, so that a misspelt parameter key or an
//! out-of-range value is reported against the spec; returns the resolved base scenario text
//! (part of the sweep's identity). Throws sim::InputError.
std::string check_against_base(const Spec& spec, const std::vector<Point>& points,
                               const sim::Registries& registries);

//! The identity of a sweep: hash of the normalised spec (without the base path) and of the
//! resolved base scenario.
std::string sweep_hash(const Spec& spec, const std::string& base_resolved);

//! The overrides of one run: the spec's `set:`, the command line's --set, then the point's
//! parameter values.
std::vector<std::string> run_overrides(const Spec& spec, const Point& point);

//! Checks the syntax of a "key.path=value" override written in a spec at `pos` (the loader's
//! parser, scenarios/load/key_path.h); false after an error.
bool check_override_syntax(const std::string& text, const scenarios::Pos& pos,
                           const std::string& shown, scenarios::Diagnostics& diag);
//! Checks the syntax of a key path (a parameter's key) written in a spec at `pos`.
bool check_key_path_syntax(const std::string& path, const scenarios::Pos& pos,
                           const std::string& shown, scenarios::Diagnostics& diag);

//! A scalar as text, or an error "expected a string" at its position.
std::optional<std::string> spec_text(const scenarios::Node& n, const std::string& shown,
                                     scenarios::Diagnostics& diag);

} // namespace kochmon::sweep

#endif
