#include "output/writer.h"

#include "sim/core/error.h"

namespace kochmon::output {

std::unique_ptr<sim::Recorder> make_h5_recorder(const WriterOptions&) {
  throw sim::RunError("the HDF5 writer is not written yet");
}
std::string new_run_id() { return "unset"; }
std::string inspect(const std::string& path) { throw sim::InputError(path + ": not readable yet"); }

}  // namespace kochmon::output
