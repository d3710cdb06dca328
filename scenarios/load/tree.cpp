#include "scenarios/load/tree.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

namespace kochmon::scenarios {

const Node* Node::get(std::string_view key) const {
  for (const auto& e : map)
    if (e.key == key) return &e.value;
  return nullptr;
}

Node* Node::get(std::string_view key) {
  for (auto& e : map)
    if (e.key == key) return &e.value;
  return nullptr;
}

Node& Node::get_or_add(const std::string& key) {
  if (Node* n = get(key)) return *n;
  Node value;
  value.pos = pos;
  value.dir = dir;
  map.push_back({key, pos, std::move(value)});
  return map.back().value;
}

void Node::erase(std::string_view key) {
  std::erase_if(map, [&](const Entry& e) { return e.key == key; });
}

std::string Node::describe() const {
  switch (kind) {
  case Kind::scalar:
    return "'" + scalar + "'";
  case Kind::seq:
    return "a list";
  case Kind::map:
    return "a map";
  case Kind::null:
    break;
  }
  return "nothing";
}

std::string dir_of(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

namespace {

Pos pos_of(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

// What convert() may build from one document. yaml-cpp keeps an alias (*name) as a second
// reference to its anchor's node, so a small file can name a tree of billions of values
// ("a billion laughs"), or, with an alias inside its own anchor, an endless one; convert()
// copies what it visits, so both are refused here.
struct Budget {
  std::size_t nodes = 0;
};
struct TooLarge {
  std::string what;
};

Node convert(const YAML::Node& y, const std::string& file, const std::string& dir, const Pos* fixed,
             Budget& budget, int depth) {
  if (depth > MAX_DEPTH)
    throw TooLarge{"nested deeper than " + std::to_string(MAX_DEPTH) + " levels (through aliases)"};
  if (++budget.nodes > MAX_NODES)
    throw TooLarge{"more than " + std::to_string(MAX_NODES) +
                   " values (aliases expand to too many)"};
  Node n;
  n.pos = fixed ? *fixed : pos_of(y.Mark(), file);
  n.dir = dir;
  switch (y.Type()) {
  case YAML::NodeType::Scalar:
    n.kind = Node::Kind::scalar;
    n.scalar = y.Scalar();
    n.quoted = y.Tag() == "!";
    break;
  case YAML::NodeType::Sequence:
    n.kind = Node::Kind::seq;
    for (const auto& item : y)
      n.seq.push_back(convert(item, file, dir, fixed, budget, depth + 1));
    break;
  case YAML::NodeType::Map:
    n.kind = Node::Kind::map;
    for (const auto& kv : y) {
      Node::Entry e;
      e.key_pos = fixed ? *fixed : pos_of(kv.first.Mark(), file);
      e.key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
      e.value = convert(kv.second, file, dir, fixed, budget, depth + 1);
      n.map.push_back(std::move(e));
    }
    break;
  default:
    n.kind = Node::Kind::null;
    break;
  }
  return n;
}

// First invalid UTF-8 sequence: its byte offset, or npos.
std::size_t bad_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (d & 0x3F);
    }
    const bool overlong =
        (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

// First control character that YAML does not allow (everything below 0x20 except tab, line
// feed and carriage return, and DEL), or npos. yaml-cpp would stop reading at a NUL and
// silently drop the rest of the file.
std::size_t control_char(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
  }
  return std::string::npos;
}

void line_col(const std::string& s, std::size_t offset, int& line, int& col) {
  line = 1;
  col = 1;
  for (std::size_t i = 0; i < offset && i < s.size(); ++i) {
    if (s[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
}

// A conservative estimate of the nesting depth: block indentation levels (and "- " items) plus
// open flow brackets, outside quotes and comments. Returns the offset where it first exceeds
// MAX_DEPTH, or npos.
std::size_t too_deep(const std::string& s) {
  std::vector<std::size_t> indents;
  int flow = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    // Start of a line.
    std::size_t col = 0;
    while (i < s.size() && s[i] == ' ') {
      ++i;
      ++col;
    }
    const bool blank = i >= s.size() || s[i] == '\n' || s[i] == '#' || s[i] == '\r';
    int depth_here = 0;
    if (!blank && flow == 0) {
      while (!indents.empty() && indents.back() > col)
        indents.pop_back();
      if (indents.empty() || indents.back() < col) indents.push_back(col);
      // Each "- " opens one more level on the same line.
      std::size_t j = i;
      while (j + 1 < s.size() && s[j] == '-' && (s[j + 1] == ' ' || s[j + 1] == '\n')) {
        ++depth_here;
        j += 2;
        while (j < s.size() && s[j] == ' ')
          ++j;
      }
    }
    char quote = 0;
    for (; i < s.size() && s[i] != '\n'; ++i) {
      const char c = s[i];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '\'') {
        // A quote opens a string at the start of a value only; inside plain text it is a char.
        if (i == 0 || s[i - 1] == ' ' || s[i - 1] == '[' || s[i - 1] == '{' || s[i - 1] == ',' ||
            s[i - 1] == ':')
          quote = c;
        continue;
      }
      if (c == '#' && (i == 0 || s[i - 1] == ' ')) {
        while (i < s.size() && s[i] != '\n')
          ++i;
        break;
      }
      if (c == '[' || c == '{') ++flow;
      if ((c == ']' || c == '}') && flow > 0) --flow;
      if (static_cast<int>(indents.size()) + depth_here + flow > MAX_DEPTH) return i;
    }
    if (static_cast<int>(indents.size()) + depth_here > MAX_DEPTH) return i;
    if (i < s.size()) ++i; // the newline
  }
  return std::string::npos;
}

} // namespace

Node read_yaml_file(const std::string& path, Diagnostics& diag) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    // An ifstream opens a directory and then reads nothing: it would pass for an empty file.
    diag.error({path, 0, 0}, {}, std::string("cannot read scenario: ") + std::strerror(EISDIR));
    return {};
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    diag.error({path, 0, 0}, {},
               std::string("cannot read scenario: ") + std::strerror(err ? err : EIO));
    return {};
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  if (const std::size_t bad = control_char(text); bad != std::string::npos) {
    int line = 0, col = 0;
    line_col(text, bad, line, col);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[bad]));
    diag.error({path, line, col}, {}, std::string("control character ") + hex + " in the text",
               "a scenario is plain text; remove the character");
    return {};
  }
  if (const std::size_t bad = bad_utf8(text); bad != std::string::npos) {
    int line = 0, col = 0;
    line_col(text, bad, line, col);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(text[bad]));
    diag.error({path, line, col}, {}, std::string("invalid UTF-8 byte ") + hex,
               "save the file as UTF-8");
    return {};
  }
  if (const std::size_t deep = too_deep(text); deep != std::string::npos) {
    int line = 0, col = 0;
    line_col(text, deep, line, col);
    diag.error({path, line, col}, {}, "nested deeper than " + std::to_string(MAX_DEPTH) + " levels",
               "a scenario needs only a few levels; flatten the document");
    return {};
  }
  try {
    const YAML::Node y = YAML::Load(text);
    Budget budget;
    Node n = convert(y, path, dir_of(path), nullptr, budget, 0);
    if (n.is_null()) n.pos = {path, 1, 1};
    return n;
  } catch (const YAML::Exception& e) {
    diag.error(pos_of(e.mark, path), {}, e.msg);
    return {};
  } catch (const TooLarge& e) {
    diag.error({path, 0, 0}, {}, e.what,
               "a scenario needs a few thousand values; do not nest aliases (*name)");
    return {};
  }
}

bool parse_yaml_text(const std::string& text, const Pos& origin, const std::string& dir, Node& out,
                     std::string& error) {
  if (too_deep(text) != std::string::npos) {
    error = "nested deeper than " + std::to_string(MAX_DEPTH) + " levels";
    return false;
  }
  try {
    Budget budget;
    out = convert(YAML::Load(text), origin.file, dir, &origin, budget, 0);
    out.pos = origin;
    return true;
  } catch (const YAML::Exception& e) {
    error = e.msg;
    return false;
  } catch (const TooLarge& e) {
    error = e.what;
    return false;
  }
}

} // namespace kochmon::scenarios
