#ifndef KOCHMON_TOOLS_KOCHMON_PROGRESS_H
#define KOCHMON_TOOLS_KOCHMON_PROGRESS_H

#include <chrono>
#include <string>

namespace kochmon::tools {

//! A one-line progress bar with ETA on stderr, drawn only when stderr is a terminal and at most
//! ten times a second.
class ProgressBar {
public:
  explicit ProgressBar(std::string label, bool enabled);
  void update(int done, int total);
  void finish();
  void set_label(std::string label) { label_ = std::move(label); }
  bool enabled() const { return enabled_; }

private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

} // namespace kochmon::tools

#endif
