#include "output/h5/h5.h"

#include <array>
#include <cstring>
#include <utility>

#include <hdf5_hl.h>

namespace kochmon::output::h5 {

namespace {

// HDF5 closes the files still open when the process exits (H5_term_library, registered with
// atexit at its first call). A file whose flush failed (a full disk, EFBIG past ulimit -f)
// stays open after H5Fclose fails, and closing it again at exit crashes inside HDF5 1.10
// (H5F__close_cb), turning a clear "No space left on device" into a segmentation fault. Every
// file we write is closed explicitly (File::close throws when it cannot be), and a file we
// abandon is deleted, so nothing is lost by skipping that last pass. H5dont_atexit() must run
// before any other HDF5 call: hence a static initialiser.
[[maybe_unused]] const herr_t g_dont_atexit = H5dont_atexit();

std::string error_text(const std::string& action, const std::string& object,
                       const std::string& file, const std::string& reason) {
  if (file.empty()) return "output: cannot " + action + ": " + reason;
  if (object.empty()) return "output: cannot " + action + " '" + file + "': " + reason;
  return "output: cannot " + action + " '" + object + "' in '" + file + "': " + reason;
}

herr_t collect_innermost(unsigned, const H5E_error2_t* err, void* data) {
  // Walked downward (API first), so the last entry seen is where the error was detected.
  if (err->desc != nullptr && err->desc[0] != '\0') *static_cast<std::string*>(data) = err->desc;
  return 0;
}

// HDF5's file drivers put the OS message inside the description:
// "unable to open file: name = 'x', errno = 2, error message = 'No such file or directory', ..."
std::string os_message(const std::string& desc) {
  const std::string key = "error message = '";
  const auto at = desc.find(key);
  if (at == std::string::npos) return desc;
  const auto from = at + key.size();
  const auto to = desc.find('\'', from);
  if (to == std::string::npos) return desc;
  return desc.substr(from, to - from);
}

} // namespace

Error::Error(const std::string& action, const std::string& object, const std::string& file,
             const std::string& reason)
    : sim::RunError(error_text(action, object, file, reason)), action_(action), object_(object),
      file_(file), reason_(reason) {}

void silence_errors() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

std::string take_reason() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_innermost, &desc);
  H5Eclear2(H5E_DEFAULT);
  if (desc.empty()) return "unknown HDF5 error";
  return os_message(desc);
}

// ---- Handle ----

Handle::Handle(Handle&& other) noexcept
    : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

bool Handle::close() noexcept {
  if (id_ < 0) return true;
  const herr_t rc = closer_ != nullptr ? closer_(id_) : 0;
  id_ = H5I_INVALID_HID;
  if (rc < 0) H5Eclear2(H5E_DEFAULT);
  return rc >= 0;
}

// ---- Dataspace, types, properties ----

namespace {
[[noreturn]] void fail_plain(const std::string& action) {
  throw Error(action, "", "", take_reason());
}
} // namespace

Dataspace Dataspace::scalar() {
  const hid_t id = H5Screate(H5S_SCALAR);
  if (id < 0) fail_plain("create a scalar dataspace");
  return Dataspace(Handle(id, H5Sclose));
}

Dataspace Dataspace::simple(std::span<const hsize_t> dims) {
  const hid_t id = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  if (id < 0) fail_plain("create a dataspace");
  return Dataspace(Handle(id, H5Sclose));
}

std::vector<hsize_t> Dataspace::dims() const {
  const int rank = H5Sget_simple_extent_ndims(id());
  if (rank < 0) fail_plain("get the rank of a dataspace");
  std::vector<hsize_t> out(static_cast<std::size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(id(), out.data(), nullptr) < 0)
    fail_plain("get the shape of a dataspace");
  return out;
}

void Dataspace::select(std::span<const hsize_t> start, std::span<const hsize_t> count) {
  if (H5Sselect_hyperslab(id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr) < 0)
    fail_plain("select a hyperslab");
}

StringType::StringType() {
  const hid_t id = H5Tcopy(H5T_C_S1);
  if (id < 0) fail_plain("copy the string type");
  h_ = Handle(id, H5Tclose);
  if (H5Tset_size(id, H5T_VARIABLE) < 0 || H5Tset_cset(id, H5T_CSET_UTF8) < 0)
    fail_plain("make a variable-length UTF-8 string type");
}

CreateProps::CreateProps() {
  const hid_t id = H5Pcreate(H5P_DATASET_CREATE);
  if (id < 0) fail_plain("create dataset properties");
  h_ = Handle(id, H5Pclose);
}

void CreateProps::chunk(std::span<const hsize_t> dims) {
  if (H5Pset_chunk(id(), static_cast<int>(dims.size()), dims.data()) < 0)
    fail_plain("set the chunk shape");
}
void CreateProps::shuffle() {
  if (H5Pset_shuffle(id()) < 0) fail_plain("enable the shuffle filter");
}
void CreateProps::deflate(int level) {
  if (H5Pset_deflate(id(), static_cast<unsigned>(level)) < 0) fail_plain("enable gzip");
}
void CreateProps::fill(double value) {
  if (H5Pset_fill_value(id(), H5T_NATIVE_DOUBLE, &value) < 0) fail_plain("set the fill value");
}

// ---- Object: attributes ----

void Object::fail(const std::string& action, const std::string& what) const {
  std::string object = where_.object;
  if (!what.empty()) object += "@" + what;
  throw Error(action, object, where_.file, take_reason());
}

bool Object::has_attribute(const std::string& name) const {
  const htri_t rc = H5Aexists(id(), name.c_str());
  if (rc < 0) fail("look for attribute", name);
  return rc > 0;
}

void Object::write_scalar_attribute(const std::string& name, hid_t file_type, hid_t mem_type,
                                    const void* value) {
  Handle attr;
  if (has_attribute(name)) {
    attr = Handle(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  } else {
    const Dataspace space = Dataspace::scalar();
    attr = Handle(H5Acreate2(id(), name.c_str(), file_type, space.id(), H5P_DEFAULT, H5P_DEFAULT),
                  H5Aclose);
  }
  if (!attr.valid()) fail("create attribute", name);
  if (H5Awrite(attr.id(), mem_type, value) < 0) fail("write attribute", name);
  if (!attr.close()) fail("close attribute", name);
}

void Object::set_attribute(const std::string& name, const std::string& value) {
  // Fixed length, so that reading an attribute never touches HDF5's global heap, whose
  // parser is the part of the library least robust against a damaged file.
  if (has_attribute(name) && H5Adelete(id(), name.c_str()) < 0) fail("replace attribute", name);
  const Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!type.valid() || H5Tset_size(type.id(), value.size() + 1) < 0 ||
      H5Tset_strpad(type.id(), H5T_STR_NULLTERM) < 0 || H5Tset_cset(type.id(), H5T_CSET_UTF8) < 0) {
    fail("make the string type of attribute", name);
  }
  write_scalar_attribute(name, type.id(), type.id(), value.c_str());
}
void Object::set_attribute(const std::string& name, std::int32_t value) {
  write_scalar_attribute(name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}
void Object::set_attribute(const std::string& name, std::int64_t value) {
  write_scalar_attribute(name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}
void Object::set_attribute(const std::string& name, std::uint64_t value) {
  write_scalar_attribute(name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}
void Object::set_attribute(const std::string& name, double value) {
  write_scalar_attribute(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void Object::read_scalar_attribute(const std::string& name, hid_t mem_type, void* value) const {
  const Handle attr(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.valid()) fail("open attribute", name);
  if (H5Aread(attr.id(), mem_type, value) < 0) fail("read attribute", name);
}

std::string Object::string_attribute(const std::string& name) const {
  const Handle attr(H5Aopen(id(), name.c_str(), H5P_DEFAULT), H5Aclose);
  if (!attr.valid()) fail("open attribute", name);
  const Handle type(H5Aget_type(attr.id()), H5Tclose);
  if (!type.valid()) fail("get the type of attribute", name);
  if (H5Tget_class(type.id()) != H5T_STRING) {
    throw Error("read attribute", where_.object + "@" + name, where_.file, "not a string");
  }
  const htri_t variable = H5Tis_variable_str(type.id());
  if (variable < 0) fail("get the type of attribute", name);
  if (variable > 0) {
    // Read with the attribute's own type: HDF5 converts neither ASCII to UTF-8 nor back.
    char* p = nullptr;
    if (H5Aread(attr.id(), type.id(), &p) < 0) fail("read attribute", name);
    std::string out = p != nullptr ? p : "";
    H5free_memory(p);
    return out;
  }
  const std::size_t size = H5Tget_size(type.id());
  if (size == 0 || size > (std::size_t{1} << 20)) {
    throw Error("read attribute", where_.object + "@" + name, where_.file, "bad string size");
  }
  std::string out(size, '\0');
  if (H5Aread(attr.id(), type.id(), out.data()) < 0) fail("read attribute", name);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::int64_t Object::int_attribute(const std::string& name) const {
  std::int64_t v = 0;
  read_scalar_attribute(name, H5T_NATIVE_INT64, &v);
  return v;
}
std::uint64_t Object::uint_attribute(const std::string& name) const {
  std::uint64_t v = 0;
  read_scalar_attribute(name, H5T_NATIVE_UINT64, &v);
  return v;
}
double Object::double_attribute(const std::string& name) const {
  double v = 0;
  read_scalar_attribute(name, H5T_NATIVE_DOUBLE, &v);
  return v;
}

// ---- Dataset ----

Dataspace Dataset::space() const {
  const hid_t id = H5Dget_space(this->id());
  if (id < 0) fail("get the dataspace of dataset");
  return Dataspace(Handle(id, H5Sclose));
}

void Dataset::write(hid_t mem_type, const Dataspace& mem_space, const Dataspace& file_space,
                    const void* data) {
  if (H5Dwrite(id(), mem_type, mem_space.id(), file_space.id(), H5P_DEFAULT, data) < 0)
    fail("write dataset");
}

void Dataset::write_all(hid_t mem_type, const void* data) {
  if (H5Dwrite(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail("write dataset");
}

void Dataset::read_all(hid_t mem_type, void* data) const {
  if (H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) fail("read dataset");
}

std::vector<double> Dataset::read_doubles() const {
  std::size_t n = 1;
  for (hsize_t d : space().dims())
    n *= static_cast<std::size_t>(d);
  std::vector<double> out(n);
  if (n > 0) read_all(H5T_NATIVE_DOUBLE, out.data());
  return out;
}

std::vector<std::int32_t> Dataset::read_ints() const {
  std::size_t n = 1;
  for (hsize_t d : space().dims())
    n *= static_cast<std::size_t>(d);
  std::vector<std::int32_t> out(n);
  if (n > 0) read_all(H5T_NATIVE_INT32, out.data());
  return out;
}

std::vector<std::string> Dataset::read_strings() const {
  const Dataspace sp = space();
  std::size_t n = 1;
  for (hsize_t d : sp.dims())
    n *= static_cast<std::size_t>(d);
  std::vector<char*> raw(n, nullptr);
  const StringType mem;
  if (n > 0) read_all(mem.id(), raw.data());
  std::vector<std::string> out;
  out.reserve(n);
  for (char* p : raw)
    out.emplace_back(p != nullptr ? p : "");
  if (n > 0) H5Dvlen_reclaim(mem.id(), sp.id(), H5P_DEFAULT, raw.data());
  return out;
}

void Dataset::make_scale(const std::string& name) {
  if (H5DSset_scale(id(), name.c_str()) < 0) fail("make a dimension scale of");
}

void Dataset::attach_scale(const Dataset& scale, unsigned dim) {
  if (H5DSattach_scale(id(), scale.id(), dim) < 0)
    fail("attach scale '" + scale.where().object + "' to dataset");
}

bool Dataset::is_attached(const Dataset& scale, unsigned dim) const {
  const htri_t rc = H5DSis_attached(id(), scale.id(), dim);
  if (rc < 0) fail("check the scales of dataset");
  return rc > 0;
}

void Dataset::set_label(unsigned dim, const std::string& label) {
  if (H5DSset_label(id(), dim, label.c_str()) < 0) fail("label a dimension of dataset");
}

// ---- Group ----

std::string Group::child_path(const std::string& name) const {
  const std::string& base = where().object;
  return base == "/" ? "/" + name : base + "/" + name;
}

Group Group::create_group(const std::string& name) {
  const hid_t id = H5Gcreate2(this->id(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  Group g(Handle(id, H5Gclose), Where{where().file, child_path(name)});
  if (id < 0) g.fail("create group");
  return g;
}

Group Group::open_group(const std::string& name) const {
  const hid_t id = H5Gopen2(this->id(), name.c_str(), H5P_DEFAULT);
  Group g(Handle(id, H5Gclose), Where{where().file, child_path(name)});
  if (id < 0) g.fail("open group");
  return g;
}

bool Group::has(const std::string& name) const {
  const htri_t rc = H5Lexists(id(), name.c_str(), H5P_DEFAULT);
  if (rc < 0) fail("look for '" + name + "' in");
  return rc > 0;
}

namespace {
herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* data) {
  static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  return 0;
}
} // namespace

std::vector<std::string> Group::members() const {
  std::vector<std::string> out;
  hsize_t idx = 0;
  if (H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, &out) < 0)
    fail("list the members of group");
  return out;
}

void Group::remove(const std::string& name) {
  if (H5Ldelete(id(), name.c_str(), H5P_DEFAULT) < 0) fail("delete '" + name + "' from");
}

Dataset Group::create_dataset(const std::string& name, hid_t file_type, const Dataspace& space,
                              const CreateProps* props) {
  const hid_t id = H5Dcreate2(this->id(), name.c_str(), file_type, space.id(), H5P_DEFAULT,
                              props != nullptr ? props->id() : H5P_DEFAULT, H5P_DEFAULT);
  Dataset d(Handle(id, H5Dclose), Where{where().file, child_path(name)});
  if (id < 0) d.fail("create dataset");
  return d;
}

Dataset Group::open_dataset(const std::string& name) const {
  const hid_t id = H5Dopen2(this->id(), name.c_str(), H5P_DEFAULT);
  Dataset d(Handle(id, H5Dclose), Where{where().file, child_path(name)});
  if (id < 0) d.fail("open dataset");
  return d;
}

Dataset Group::write_strings(const std::string& name, const std::vector<std::string>& values) {
  const StringType type;
  const std::array<hsize_t, 1> dims{values.size()};
  Dataset d = create_dataset(name, type.id(), Dataspace::simple(dims));
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values)
    ptrs.push_back(v.c_str());
  if (!ptrs.empty()) d.write_all(type.id(), ptrs.data());
  return d;
}

Dataset Group::write_string(const std::string& name, const std::string& value) {
  const StringType type;
  Dataset d = create_dataset(name, type.id(), Dataspace::scalar());
  const char* p = value.c_str();
  d.write_all(type.id(), &p);
  return d;
}

// ---- File ----

File File::create(const std::string& path) {
  silence_errors();
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw Error("create", "", path, take_reason());
  return File(Handle(id, H5Fclose), Where{path, "/"});
}

File File::open_read(const std::string& path) {
  silence_errors();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw Error("open", "", path, take_reason());
  return File(Handle(id, H5Fclose), Where{path, "/"});
}

File File::open_write(const std::string& path) {
  silence_errors();
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  if (id < 0) throw Error("open (read-write)", "", path, take_reason());
  return File(Handle(id, H5Fclose), Where{path, "/"});
}

void File::flush() {
  if (H5Fflush(id(), H5F_SCOPE_GLOBAL) < 0) throw Error("flush", "", where().file, take_reason());
}

void File::close_checked() {
  if (!close()) throw Error("close", "", where().file, "HDF5 could not close the file");
}

} // namespace kochmon::output::h5
