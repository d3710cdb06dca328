#include "agents/builtin.h"

#include "agents/combine/logit.h"
#include "agents/rules/push_pull.h"

namespace kochmon::agents {

// Adding a rule: one file pair under rules/, one line here, its tests under tests/rules/.
sim::Registries builtin_registries() {
  sim::Registries r;
  r.rules.add<PushPull>();
  r.combinators.add<Logit>();
  return r;
}

}  // namespace kochmon::agents
