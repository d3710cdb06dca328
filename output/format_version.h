#ifndef KOCHMON_OUTPUT_FORMAT_VERSION_H
#define KOCHMON_OUTPUT_FORMAT_VERSION_H

// The result file's identity (output/FORMAT.md). Add a field: bump the minor version. Rename or
// remove one: bump the major version, and change FORMAT.md in the same commit.

namespace kochmon::output {

inline constexpr const char* FILETYPE = "kochmon-run";
inline constexpr const char* FORMAT_VERSION = "1.0";
inline constexpr int FORMAT_MAJOR = 1;

} // namespace kochmon::output

#endif
