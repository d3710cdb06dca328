#include "tools/kochmon/progress.h"

#include <cstdio>

#include <unistd.h>

namespace kochmon::tools {

ProgressBar::ProgressBar(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled && isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void ProgressBar::update(int done, int total) {
  if (!enabled_ || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double frac = static_cast<double>(done) / total;
  const double eta = done > 0 ? elapsed * (1.0 - frac) / frac : 0.0;
  constexpr int WIDTH = 30;
  const int filled = static_cast<int>(frac * WIDTH);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(WIDTH - filled), '.');
  std::fprintf(stderr, "\r%s [%s] %3d%% %d/%d  elapsed %.1fs  ETA %.1fs ", label_.c_str(),
               bar.c_str(), static_cast<int>(frac * 100), done, total, elapsed, eta);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

} // namespace kochmon::tools
