#ifndef KOCHMON_AGENTS_BUILTIN_H
#define KOCHMON_AGENTS_BUILTIN_H

#include "sim/api/registry.h"

namespace kochmon::agents {

//! Every built-in decision rule and combinator, registered by its YAML name.
sim::Registries builtin_registries();

} // namespace kochmon::agents

#endif
