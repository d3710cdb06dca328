#include "agents/abroad/return_constant.h"

#include <algorithm>

namespace kochmon::agents {

sim::PluginInfo ReturnConstant::info() {
  return {"constant",
          "A constant return hazard: stays abroad last an exponential time, whatever the "
          "conditions at home or abroad.",
          "h_rd = monthly",
          "§6",
          {{"monthly", 0.02, 0, 1, "1/month", "Monthly return hazard of every member abroad."}}};
}

ReturnConstant::ReturnConstant(const sim::Params& p) : monthly_(p.at("monthly")) {}

void ReturnConstant::fill(const sim::AbroadContext&, std::span<double> table) const {
  std::fill(table.begin(), table.end(), monthly_);
}

} // namespace kochmon::agents
