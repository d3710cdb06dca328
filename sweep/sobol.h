#ifndef KOCHMON_SWEEP_SOBOL_H
#define KOCHMON_SWEEP_SOBOL_H

// The Sobol low-discrepancy sequence with Joe and Kuo's direction numbers
// (new-joe-kuo-6.21201, 2008), in Gray-code order as SALib and SciPy generate it.

#include <cstdint>
#include <vector>

namespace kochmon::sweep {

class Sobol {
public:
  static constexpr int MAX_DIMS = 32;
  //! Throws std::invalid_argument beyond MAX_DIMS.
  explicit Sobol(int dims);
  int dims() const { return dims_; }
  //! Point `index` (0 is the origin) in [0, 1)^dims.
  std::vector<double> point(std::uint64_t index) const;
  //! Points first, first+1, ..., first+n-1, row-major.
  std::vector<std::vector<double>> points(std::uint64_t first, std::uint64_t n) const;

private:
  static constexpr int BITS = 52;
  int dims_;
  std::vector<std::uint64_t> v_; // direction numbers [dim][bit], scaled to BITS bits
};

} // namespace kochmon::sweep

#endif
