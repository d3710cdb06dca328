#include "agents/builtin.h"

#include "agents/abroad/job_network.h"
#include "agents/abroad/return_constant.h"
#include "agents/abroad/return_home_gap.h"
#include "agents/abroad/return_wage_fall.h"
#include "agents/combine/any_all.h"
#include "agents/combine/logit.h"
#include "agents/combine/sequential.h"
#include "agents/combine/weighted.h"
#include "agents/rules/harris_todaro.h"
#include "agents/rules/nelm.h"
#include "agents/rules/push_pull.h"

namespace kochmon::agents {

// Adding a rule: one file pair under rules/, one line here, its tests under tests/rules/.
// Adding a life-abroad model: one file pair under abroad/, one line here, its tests under
// tests/abroad/.
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
  r.return_models.add<ReturnWageFall>();
  r.return_models.add<ReturnConstant>();
  r.return_models.add<ReturnHomeGap>();
  r.job_models.add<JobNetwork>();
  return r;
}

} // namespace kochmon::agents
