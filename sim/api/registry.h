#ifndef KOCHMON_SIM_API_REGISTRY_H
#define KOCHMON_SIM_API_REGISTRY_H

// Rules, combinators and life-abroad models are found by the name used in YAML. A plug-in is one
// class with a static info() and a constructor from validated Params; builtin.cpp lists them
// explicitly (static self-registration would silently vanish when the linker drops an unused
// object).

#include <algorithm>
#include <concepts>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/api/abroad_model.h"
#include "sim/api/decision_rule.h"
#include "sim/api/plugin_info.h"
#include "sim/core/error.h"

namespace kochmon::sim {

template <class T, class Base>
concept Plugin = std::derived_from<T, Base> && requires(const Params& p) {
  { T::info() } -> std::same_as<PluginInfo>;
  {std::make_unique<T>(p)};
};

template <class Base> class Registry {
public:
  template <Plugin<Base> T> void add() {
    PluginInfo info = T::info();
    KOCHMON_ASSERT(find(info.name) == nullptr, "plug-in registered twice");
    entries_.push_back({std::move(info), [](const Params& p) -> std::unique_ptr<Base> {
                          return std::make_unique<T>(p);
                        }});
    std::sort(entries_.begin(), entries_.end(),
              [](const Entry& a, const Entry& b) { return a.info.name < b.info.name; });
  }

  const PluginInfo* find(const std::string& name) const {
    for (const auto& e : entries_)
      if (e.info.name == name) return &e.info;
    return nullptr;
  }

  //! Builds a plug-in. `params` must already be validated (scenarios/ does it).
  std::unique_ptr<Base> make(const std::string& name, const Params& params) const {
    for (const auto& e : entries_)
      if (e.info.name == name) return e.factory(params);
    KOCHMON_ASSERT(false, "unknown plug-in name reached the engine");
    return nullptr;
  }

  //! All plug-ins, sorted by name.
  std::vector<const PluginInfo*> all() const {
    std::vector<const PluginInfo*> out;
    for (const auto& e : entries_)
      out.push_back(&e.info);
    return out;
  }

private:
  struct Entry {
    PluginInfo info;
    std::function<std::unique_ptr<Base>(const Params&)> factory;
  };
  std::vector<Entry> entries_;
};

using RuleRegistry = Registry<DecisionRule>;
using CombinatorRegistry = Registry<Combinator>;
using ReturnModelRegistry = Registry<ReturnModel>;
using JobFindingRegistry = Registry<JobFindingModel>;

//! Both registries, as the loader (to validate names and parameters) and the engine need them.
struct Registries {
  RuleRegistry rules;
  CombinatorRegistry combinators;
  ReturnModelRegistry return_models; // abroad.return
  JobFindingRegistry job_models;     // abroad.job_finding
};

} // namespace kochmon::sim

#endif
