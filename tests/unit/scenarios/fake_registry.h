#ifndef KOCHMON_TESTS_UNIT_SCENARIOS_FAKE_REGISTRY_H
#define KOCHMON_TESTS_UNIT_SCENARIOS_FAKE_REGISTRY_H

// A rule and a combinator for loader tests, independent of the real ones in agents/, and
// helpers to write scenario files into a temporary directory.

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "sim/api/registry.h"

namespace kochmon::scenarios::testing {

class FakePushPull : public sim::DecisionRule {
public:
  explicit FakePushPull(const sim::Params&) {}
  static sim::PluginInfo info() {
    return {.name = "push_pull",
            .summary = "Test rule: wages pull, costs push.",
            .formula = "b_wage·ln(w_d·fx_d / w_r) - b_cost·c_d",
            .model_section = "§5.1",
            .params = {{.name = "b_wage",
                        .default_value = 1.0,
                        .min = 0,
                        .max = 10,
                        .unit = "1",
                        .meaning = "b_wage weighs ln(w_d·fx_d / w_r)"},
                       {.name = "b_cost",
                        .default_value = 0.5,
                        .min = 0,
                        .unit = "1/som",
                        .meaning = "weight of the cost of going"}}};
  }
  void score_region(const sim::RegionContext&, std::span<double>) const override {}
};

class FakeLogit : public sim::Combinator {
public:
  explicit FakeLogit(const sim::Params&) {}
  static sim::PluginInfo info() {
    return {.name = "logit",
            .summary = "Test combinator.",
            .formula = "p_o ∝ exp(beta·Σ_k weight_k·s_ko)",
            .model_section = "§5.6",
            .params = {{.name = "beta",
                        .default_value = 1.0,
                        .min = 0,
                        .max = 100,
                        .unit = "1",
                        .meaning = "choice sharpness"}}};
  }
  void probabilities(const sim::CombineInput&, std::span<double>) const override {}
};

//! Like the real sequential: its parameters are positions in decision.rules.
class FakeSequential : public sim::Combinator {
public:
  explicit FakeSequential(const sim::Params&) {}
  static sim::PluginInfo info() {
    return {.name = "sequential",
            .summary = "Test combinator: one rule decides whether, another where.",
            .formula = "p_d = rate·P_whether(go)·share_where(d)",
            .model_section = "§5",
            .params = {{.name = "whether",
                        .default_value = 0,
                        .min = 0,
                        .max = 15,
                        .unit = "rule index",
                        .meaning = "position of the rule that decides whether"},
                       {.name = "where",
                        .default_value = 1,
                        .min = 0,
                        .max = 15,
                        .unit = "rule index",
                        .meaning = "position of the rule that decides where"}}};
  }
  void probabilities(const sim::CombineInput&, std::span<double>) const override {}
};

inline sim::Registries fake_registries() {
  sim::Registries r;
  r.rules.add<FakePushPull>();
  r.combinators.add<FakeLogit>();
  r.combinators.add<FakeSequential>();
  return r;
}

inline std::string source_dir() {
  return KOCHMON_SOURCE_DIR;
}

//! A fresh directory under the system temp dir, removed with the object.
class TempDir {
public:
  explicit TempDir(const std::string& name) {
    path_ = std::filesystem::temp_directory_path() /
            ("kochmon_scenarios_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string path() const { return path_.string(); }

private:
  std::filesystem::path path_;
};

} // namespace kochmon::scenarios::testing

#endif
