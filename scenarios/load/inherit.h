#ifndef KOCHMON_SCENARIOS_LOAD_INHERIT_H
#define KOCHMON_SCENARIOS_LOAD_INHERIT_H

// base: inheritance and --set overrides, on the positioned tree.

#include <string>
#include <vector>

#include "scenarios/load/tree.h"

namespace kochmon::scenarios {

//! Reads `path` and, recursively, the files named by its `base:` key (relative to the
//! inheriting file), merged: maps deep-merged, lists of places by id, other lists and scalars
//! replaced whole (merge_into). `base:` is removed. A cycle is an error naming the chain.
Node read_with_bases(const std::string& path, Diagnostics& diag);

//! Deep-merges `over` into `into`.
void merge_into(Node& into, Node over);

//! Applies one "key.path[0].name=value" override (scenarios/load/key_path.h: a list entry by
//! index, `regions[3]`, or by id, `regions[osh_city]`); `dir` is where relative csv paths in
//! the value start (the top scenario's directory).
void apply_override(Node& root, const std::string& spec, const std::string& dir, Diagnostics& diag);

} // namespace kochmon::scenarios

#endif
