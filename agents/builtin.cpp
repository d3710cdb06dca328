#include "agents/builtin.h"

#include "agents/combine/any_all.h"
#include "agents/combine/logit.h"
#include "agents/combine/sequential.h"
#include "agents/combine/weighted.h"
#include "agents/rules/harris_todaro.h"
#include "agents/rules/nelm.h"
#include "agents/rules/push_pull.h"

namespace kochmon::agents {

// Adding a rule: one file pair under rules/, one line here, its tests under tests/rules/.
sim::Registries builtin_registries() {
  sim::Registries r;
  r.rules.add<PushPull>();
  r.rules.add<HarrisTodaro>();
  r.rules.add<Nelm>();
  r.combinators.add<Logit>();
  r.combinators.add<Weighted>();
  r.combinators.add<Sequential>();
  r.combinators.add<Any>();
  r.combinators.add<All>();
  return r;
}

} // namespace kochmon::agents
