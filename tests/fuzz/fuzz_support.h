#ifndef KOCHMON_TESTS_FUZZ_FUZZ_SUPPORT_H
#define KOCHMON_TESTS_FUZZ_FUZZ_SUPPORT_H

// What both fuzz targets share: a private working directory (with a `data` link to the
// Kyrgyzstan data files, so that seeds taken from scenarios/kyrgyzstan resolve their csv:
// keys) and writing one input to a file in it.

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace kochmon::fuzz {

inline const std::filesystem::path& work_dir() {
  static const std::filesystem::path dir = [] {
    namespace fs = std::filesystem;
    const fs::path d = fs::temp_directory_path() / ("kochmon-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::error_code ec;
    const char* src = std::getenv("KOCHMON_SOURCE_DIR");
    const fs::path data =
        fs::path(src != nullptr ? src : KOCHMON_SOURCE_DIR) / "scenarios/kyrgyzstan/data";
    fs::create_directory_symlink(data, d / "data", ec);
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(work_dir(), ignored);
    });
    return d;
  }();
  return dir;
}

//! Writes the input to `name` in the working directory and returns its path.
inline std::string write_input(const std::string& name, const std::uint8_t* data,
                               std::size_t size) {
  const std::string path = (work_dir() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

} // namespace kochmon::fuzz

#endif
