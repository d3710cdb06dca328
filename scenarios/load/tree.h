#ifndef KOCHMON_SCENARIOS_LOAD_TREE_H
#define KOCHMON_SCENARIOS_LOAD_TREE_H

// The scenario as a tree that remembers where every value was written (file, line, column)
// and the directory of that file, so that base: merging and --set overrides keep the origin
// of each key (for error messages and for csv paths).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/load/diagnostics.h"

namespace kochmon::scenarios {

struct Node {
  enum class Kind { null, scalar, seq, map };
  struct Entry;

  Kind kind = Kind::null;
  std::string scalar;  // Kind::scalar: the text as written
  bool quoted = false; // the scalar was quoted in the YAML
  std::vector<Node> seq;
  std::vector<Entry> map; // in the order written
  Pos pos;                // where the value starts
  std::string dir;        // directory of the file it came from (relative paths start here)

  bool is_map() const { return kind == Kind::map; }
  bool is_seq() const { return kind == Kind::seq; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_null() const { return kind == Kind::null; }

  const Node* get(std::string_view key) const;
  Node* get(std::string_view key);
  //! The map entry for `key`, appended (null value at this node's position) when missing.
  Node& get_or_add(const std::string& key);
  void erase(std::string_view key);
  //! "'text'", "a list", "a map" or "nothing": what a message says was read.
  std::string describe() const;
};

struct Node::Entry {
  std::string key;
  Pos key_pos;
  Node value;
};

//! Reads one YAML file into a tree. Refuses unreadable files, non-UTF-8 bytes, documents
//! nested deeper than MAX_DEPTH and syntax errors (reported in `diag`; returns a null node).
//! Also refuses a document that expands, through aliases, to more than MAX_NODES values.
constexpr int MAX_DEPTH = 64;
constexpr std::size_t MAX_NODES = 100000;
Node read_yaml_file(const std::string& path, Diagnostics& diag);

//! Parses YAML text (a --set value, a default) into a tree whose positions all read `origin`.
//! Returns false (with a message in `error`) on a syntax error.
bool parse_yaml_text(const std::string& text, const Pos& origin, const std::string& dir, Node& out,
                     std::string& error);

//! The directory part of a path as given ("" for a bare file name).
std::string dir_of(const std::string& path);

} // namespace kochmon::scenarios

#endif
