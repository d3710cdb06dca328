#include "agents/builtin.h"

namespace kochmon::agents {

sim::Registries builtin_registries() {
  sim::Registries r;
  return r;
}

}  // namespace kochmon::agents
