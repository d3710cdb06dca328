#ifndef KOCHMON_SIM_API_PLUGIN_INFO_H
#define KOCHMON_SIM_API_PLUGIN_INFO_H

#include <limits>
#include <map>
#include <string>
#include <vector>

namespace kochmon::sim {

//! One numeric parameter of a rule or combinator, as the scenario reference documents it.
struct ParamInfo {
  std::string name;
  double default_value = 0;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::string unit;    // "1" for dimensionless
  std::string meaning; // one sentence, domain words
};

//! What a decision rule or combinator says about itself: its YAML name, a summary, the formula
//! in MODEL.md notation, the MODEL.md section, and its parameters.
struct PluginInfo {
  std::string name;
  std::string summary;
  std::string formula;
  std::string model_section;
  std::vector<ParamInfo> params;
};

//! Parameter values by name, already validated against PluginInfo::params (defaults filled in).
using Params = std::map<std::string, double>;

} // namespace kochmon::sim

#endif
