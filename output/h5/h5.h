#ifndef KOCHMON_OUTPUT_H5_H5_H
#define KOCHMON_OUTPUT_H5_H5_H

// Small RAII handles over the HDF5 C API. Every call is checked; a failure throws h5::Error
// (a sim::RunError) that names what was tried, the object and the file, and HDF5's own reason.
// HDF5's automatic error printing is switched off, so the user sees our message only.
// All of this runs on the main thread only.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <hdf5.h>

#include "sim/core/error.h"

namespace kochmon::output::h5 {

//! A failed HDF5 call: what we tried ("write dataset"), on which object, in which file, and why.
class Error : public sim::RunError {
public:
  Error(const std::string& action, const std::string& object, const std::string& file,
        const std::string& reason);
  const std::string& action() const { return action_; }
  const std::string& object() const { return object_; }
  const std::string& file() const { return file_; }
  const std::string& reason() const { return reason_; }

private:
  std::string action_, object_, file_, reason_;
};

//! Turns off HDF5's automatic error stack printing (idempotent).
void silence_errors();

//! The most specific message on HDF5's error stack (the OS reason when there is one), then
//! clears the stack. "unknown HDF5 error" when the stack is empty.
std::string take_reason();

//! Owns one hid_t and closes it with the matching H5?close. Move-only.
class Handle {
public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }
  //! Closes now; returns false when HDF5 reported a failure.
  bool close() noexcept;
  void reset() noexcept { close(); }

private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

//! Where an object lives, for messages: its HDF5 path and its file name.
struct Where {
  std::string file;
  std::string object; // "/series/stock"
};

class Dataspace {
public:
  static Dataspace scalar();
  static Dataspace simple(std::span<const hsize_t> dims);
  explicit Dataspace(Handle h) : h_(std::move(h)) {}
  hid_t id() const { return h_.id(); }
  std::vector<hsize_t> dims() const;
  //! Selects the block [start, start + count) (no stride).
  void select(std::span<const hsize_t> start, std::span<const hsize_t> count);

private:
  Handle h_;
};

//! A variable-length UTF-8 string type.
class StringType {
public:
  StringType();
  hid_t id() const { return h_.id(); }

private:
  Handle h_;
};

//! Dataset creation properties: chunking, shuffle, gzip, fill value.
class CreateProps {
public:
  CreateProps();
  hid_t id() const { return h_.id(); }
  void chunk(std::span<const hsize_t> dims);
  void shuffle();
  void deflate(int level);
  void fill(double value);

private:
  Handle h_;
};

//! An open object that can carry attributes: file (its root group), group or dataset.
class Object {
public:
  Object(Handle h, Where where) : h_(std::move(h)), where_(std::move(where)) {}
  hid_t id() const { return h_.id(); }
  const Where& where() const { return where_; }
  bool close() noexcept { return h_.close(); }

  bool has_attribute(const std::string& name) const;
  void set_attribute(const std::string& name, const std::string& value);
  void set_attribute(const std::string& name, const char* value) {
    set_attribute(name, std::string(value));
  }
  void set_attribute(const std::string& name, std::int32_t value);
  void set_attribute(const std::string& name, std::int64_t value);
  void set_attribute(const std::string& name, std::uint64_t value);
  void set_attribute(const std::string& name, double value);

  //! A string attribute, variable or fixed length.
  std::string string_attribute(const std::string& name) const;
  std::int64_t int_attribute(const std::string& name) const;
  std::uint64_t uint_attribute(const std::string& name) const;
  double double_attribute(const std::string& name) const;

  [[noreturn]] void fail(const std::string& action, const std::string& what = {}) const;

private:
  void write_scalar_attribute(const std::string& name, hid_t file_type, hid_t mem_type,
                              const void* value);
  void read_scalar_attribute(const std::string& name, hid_t mem_type, void* value) const;

  Handle h_;
  Where where_;
};

class Dataset : public Object {
public:
  using Object::Object;
  Dataspace space() const;
  //! Writes `data` (mem_type, laid out as mem_space) into the selection of file_space.
  void write(hid_t mem_type, const Dataspace& mem_space, const Dataspace& file_space,
             const void* data);
  void write_all(hid_t mem_type, const void* data);
  void read_all(hid_t mem_type, void* data) const;
  std::vector<double> read_doubles() const;
  std::vector<std::int32_t> read_ints() const;
  std::vector<std::string> read_strings() const;

  //! Dimension scales (H5DS): make this dataset a scale, attach one to dimension `dim`, label it.
  void make_scale(const std::string& name);
  void attach_scale(const Dataset& scale, unsigned dim);
  bool is_attached(const Dataset& scale, unsigned dim) const;
  void set_label(unsigned dim, const std::string& label);
};

class Group : public Object {
public:
  using Object::Object;
  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;
  bool has(const std::string& name) const;
  //! Names of the links in this group, in name order.
  std::vector<std::string> members() const;
  //! Removes the link `name` (a group or dataset) from this group.
  void remove(const std::string& name);
  Dataset create_dataset(const std::string& name, hid_t file_type, const Dataspace& space,
                         const CreateProps* props = nullptr);
  Dataset open_dataset(const std::string& name) const;
  //! A 1-D variable-length UTF-8 string dataset.
  Dataset write_strings(const std::string& name, const std::vector<std::string>& values);
  //! A scalar variable-length UTF-8 string dataset.
  Dataset write_string(const std::string& name, const std::string& value);

protected:
  std::string child_path(const std::string& name) const;
};

class File : public Group {
public:
  //! Creates (truncating) `path`. Throws Error with action "create".
  static File create(const std::string& path);
  //! Opens `path` read-only. Throws Error with action "open".
  static File open_read(const std::string& path);
  //! Opens an existing `path` for reading and writing. Throws Error with action "open".
  static File open_write(const std::string& path);
  using Group::Group;
  void flush();
  //! Closes the file; throws when HDF5 cannot (the data may not be on disk).
  void close_checked();
};

} // namespace kochmon::output::h5

#endif
