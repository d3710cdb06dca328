#include "sweep/sobol.h"

#include <stdexcept>
#include <string>

namespace kochmon::sweep {
namespace {

// Dimensions 2..32: degree s, coefficients a, initial direction numbers m_1..m_s.
struct JoeKuo {
  int s;
  unsigned a;
  unsigned m[7];
};
constexpr JoeKuo JOE_KUO[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
};
static_assert(sizeof(JOE_KUO) / sizeof(JOE_KUO[0]) == Sobol::MAX_DIMS - 1);

} // namespace

Sobol::Sobol(int dims) : dims_(dims) {
  if (dims < 1 || dims > MAX_DIMS)
    throw std::invalid_argument("Sobol: " + std::to_string(dims) + " dimensions, at most " +
                                std::to_string(MAX_DIMS));
  v_.assign(static_cast<std::size_t>(dims) * BITS, 0);
  for (int i = 0; i < BITS; ++i) // dimension 1: van der Corput
    v_[static_cast<std::size_t>(i)] = std::uint64_t{1} << (BITS - 1 - i);
  for (int d = 1; d < dims; ++d) {
    const JoeKuo& jk = JOE_KUO[d - 1];
    std::uint64_t* v = &v_[static_cast<std::size_t>(d) * BITS];
    for (int i = 0; i < BITS; ++i) {
      if (i < jk.s) {
        v[i] = static_cast<std::uint64_t>(jk.m[i]) << (BITS - 1 - i);
      } else {
        std::uint64_t x = v[i - jk.s] ^ (v[i - jk.s] >> jk.s);
        for (int k = 1; k < jk.s; ++k)
          if ((jk.a >> (jk.s - 1 - k)) & 1u) x ^= v[i - k];
        v[i] = x;
      }
    }
  }
}

std::vector<double> Sobol::point(std::uint64_t index) const {
  // Gray code: x_index = XOR of v[c] over the bits c of index ^ (index >> 1).
  const std::uint64_t gray = index ^ (index >> 1);
  std::vector<double> out(static_cast<std::size_t>(dims_));
  for (int d = 0; d < dims_; ++d) {
    std::uint64_t x = 0;
    for (int c = 0; c < BITS; ++c)
      if ((gray >> c) & 1u)
        x ^= v_[static_cast<std::size_t>(d) * BITS + static_cast<std::size_t>(c)];
    out[static_cast<std::size_t>(d)] = static_cast<double>(x) * 0x1.0p-52;
  }
  return out;
}

std::vector<std::vector<double>> Sobol::points(std::uint64_t first, std::uint64_t n) const {
  std::vector<std::vector<double>> out;
  out.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i)
    out.push_back(point(first + i));
  return out;
}

} // namespace kochmon::sweep
