#ifndef KOCHMON_TESTS_SUPPORT_MEMORY_STATE_H
#define KOCHMON_TESTS_SUPPORT_MEMORY_STATE_H

// A checkpoint kept in memory: the engine's save_state/restore_state without HDF5, for tests
// of the round trip.

#include <map>
#include <string>
#include <vector>

#include "sim/api/state.h"
#include "sim/core/error.h"

namespace kochmon::tests {

class MemoryState final : public sim::StateWriter, public sim::StateReader {
public:
  void put(const std::string& name, std::span<const std::byte> bytes) override {
    arrays_[name].assign(bytes.begin(), bytes.end());
  }
  std::vector<std::byte> get(const std::string& name) const override {
    auto it = arrays_.find(name);
    if (it == arrays_.end()) throw sim::InputError("no " + name);
    return it->second;
  }

private:
  std::map<std::string, std::vector<std::byte>> arrays_;
};

} // namespace kochmon::tests

#endif
