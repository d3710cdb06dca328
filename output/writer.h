#ifndef KOCHMON_OUTPUT_WRITER_H
#define KOCHMON_OUTPUT_WRITER_H

#include <memory>
#include <string>

#include "sim/api/results.h"

namespace kochmon::output {

struct WriterOptions {
  std::string path;      // final file name; written as path + ".tmp" and renamed on finish()
  int compression = 4;   // gzip level
  int chunk_months = 12; // chunk length along time
  std::string run_id;    // see new_run_id()
};

//! Records a run into one HDF5 file (FORMAT.md). Nothing appears under the final name until
//! finish(); a recorder destroyed before finish() removes its temporary file.
std::unique_ptr<sim::Recorder> make_h5_recorder(const WriterOptions& options);

//! A fresh run identity (time, process and a random part): provenance, never used in results.
std::string new_run_id();

//! A readable summary of a result file (`kochmon inspect`). Throws sim::InputError when the
//! file is missing, truncated or not a kochmon run.
std::string inspect(const std::string& path);

} // namespace kochmon::output

#endif
