#ifndef KOCHMON_SIM_API_STATE_H
#define KOCHMON_SIM_API_STATE_H

// A run's state as named arrays of bytes, for checkpoints: the engine writes and reads them;
// output/ stores them in a file. A resumed run continues bit-identically.

#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "sim/core/error.h"

namespace kochmon::sim {

class StateWriter {
public:
  virtual ~StateWriter() = default;
  virtual void put(const std::string& name, std::span<const std::byte> bytes) = 0;

  template <class T> void put_vector(const std::string& name, const std::vector<T>& v) {
    put(name, std::as_bytes(std::span<const T>(v)));
  }
};

class StateReader {
public:
  virtual ~StateReader() = default;
  //! The bytes stored under `name`; throws sim::InputError when there are none.
  virtual std::vector<std::byte> get(const std::string& name) const = 0;

  //! Fills `v` (already sized for this world) from `name`; a size mismatch means the checkpoint
  //! belongs to another scenario or version.
  template <class T> void get_vector(const std::string& name, std::vector<T>& v) const {
    const auto bytes = get(name);
    if (bytes.size() != v.size() * sizeof(T))
      throw InputError("checkpoint: state '" + name + "' has " + std::to_string(bytes.size()) +
                       " bytes, this world needs " + std::to_string(v.size() * sizeof(T)) +
                       "\n  hint: the checkpoint was written by another scenario or version");
    if (!bytes.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
  }
};

} // namespace kochmon::sim

#endif
