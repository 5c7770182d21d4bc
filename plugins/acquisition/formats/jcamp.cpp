#include "jcamp.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace raserflow::acquisition {
namespace {

namespace fs = std::filesystem;

// Sane limits, checked before anything grows with them: a file is read whole, a page never
// holds more than its VAR_DIM, and VAR_DIM and the image as a whole are capped.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{1} << 30;  // 1 GiB
constexpr std::size_t kMaxPoints = std::size_t{1} << 24;           // complex points per FID
constexpr std::size_t kMaxImagePoints = std::size_t{1} << 26;      // all FIDs of a file
constexpr std::size_t kMaxLineWidth = 80;                          // what the writer emits

std::string printed(const char* spec, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}
std::string g17(double v) {
  return printed("%.17g", v);
}

// %.9g (std::to_chars with a precision is printf's %g), with the JCAMP exponent letter 'E'; in
// AFFN lowercase 'e' is also read.
std::string affn9(double v) {
  char buf[64];
  const auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 9).ptr;
  std::string s(buf, end);
  for (char& c : s)
    if (c == 'e') c = 'E';
  return s;
}

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Uppercase, dropping blanks and, for labels, '-', '/' and '_' (formats.md §2.1).
std::string normalize(std::string_view s, bool label) {
  std::string out;
  for (char c : s) {
    if (is_blank(c) || (label && (c == '-' || c == '/' || c == '_'))) continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string shown(std::string_view s) {
  constexpr std::size_t kShown = 40;
  std::string out = "'";
  for (char c : s.substr(0, kShown)) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  if (s.size() > kShown) out += "...";
  return out + "'";
}

// A decimal number filling all of `s` (blanks around it allowed); nullopt if it is not one.
// Infinite, NaN and out-of-range values come back as nullopt too.
std::optional<double> parse_number(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '+') return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The next line of `text` from `pos` (LF, CRLF or a lone CR ends it); advances `pos`.
std::string_view next_line(std::string_view text, std::size_t& pos) {
  const std::size_t start = pos;
  std::size_t end = start;
  while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
  pos = end;
  if (pos < text.size()) {
    if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
    ++pos;
  }
  return text.substr(start, end - start);
}

// A line without its `$$` comment.
std::string_view strip_comment(std::string_view line) {
  const auto at = line.find("$$");
  return at == std::string_view::npos ? line : line.substr(0, at);
}

// What a line says: without its comment and surrounding blanks; a `##$$ text` line says nothing.
std::string_view content(std::string_view line) {
  const std::string_view c = trim(strip_comment(line));
  return c == "##" ? std::string_view() : c;
}

// `##LABEL= value` with what follows it up to the next record: `body` starts on line
// `body_line`.
struct Record {
  std::string label;  // normalized
  std::string_view value;
  std::size_t line = 0;
  std::string_view body;
  std::size_t body_line = 0;
};

struct Block {
  const Record* title = nullptr;
  std::vector<const Record*> records;  // between ##TITLE= and ##END=, children excluded
  std::vector<Block> children;         // the blocks of a LINK
  const Record* end = nullptr;
  bool link = false;  // DATA TYPE= LINK
};

struct Fid {
  std::vector<Complex> values;
  double dwell = 0;
  std::optional<double> angle;
  std::size_t line = 0;  // of its ##TITLE=
};

// One page's values, in physical units (stored number x FACTOR).
struct Page {
  std::vector<double> values;
  std::size_t line = 0;       // of its ##PAGE=
  std::size_t last_line = 0;  // the last line holding data, or the ##DATA TABLE= line
};

// The X axis of the data table: where each line's first point should lie.
struct XAxis {
  double first = 0;
  double step = 0;
  double factor = 1;
  double tolerance = 0;
};

class PageDecoder;

class Reader {
 public:
  explicit Reader(fs::path file) : file_(std::move(file)) {}

  Recording read();

  [[noreturn]] void fail_at(std::size_t line, const std::string& what) const {
    throw FormatError(at_line(file_, line, what));
  }
  [[noreturn]] void fail(const std::string& what) const { throw FormatError(at_file(file_, what)); }

 private:
  void load();
  void split_records();
  Block parse_block(std::size_t& i, bool inside_link);
  Fid decode_fid(const Block& block);
  Page decode_page(const Record& page, const Record& table, bool asdf, std::size_t limit,
                   double factor, const XAxis& x, bool x_exponent);

  fs::path file_;
  std::string text_;
  std::vector<Record> records_;
  std::size_t line_count_ = 0;
  std::size_t points_ = 0;  // decoded so far, against kMaxImagePoints
};

// Decodes the lines of one data table: AFFN and PAC numbers and the ASDF forms SQZ, DIF and DUP,
// with the DIF Y-check and the line-start X check.
class PageDecoder {
 public:
  PageDecoder(const Reader& reader, std::size_t limit, double factor, const XAxis& x, bool exponent,
              bool x_exponent)
      : reader_(reader),
        limit_(limit),
        factor_(factor),
        x_(x),
        exponent_(exponent),
        x_exponent_(x_exponent) {}

  // Returns false for a line without data (blank or comment only).
  bool line(std::string_view s, std::size_t number);
  std::vector<double> take() { return std::move(values_); }

 private:
  enum class Last { none, absolute, check, dif, dup };

  // An AFFN/PAC number at `pos`: [+-]digits[.digits][E[+-]digits]; advances `pos`.
  bool affn(std::string_view s, std::size_t& pos, bool exponent, double& v) const;
  // The digits after an ASDF pseudo-digit of value `first` (0-9) and `sign`.
  double asdf_value(std::string_view s, std::size_t& pos, int first, bool negative,
                    std::size_t number) const;
  void emit(double raw, std::size_t number);

  const Reader& reader_;
  std::size_t limit_;
  double factor_;
  XAxis x_;
  bool exponent_, x_exponent_;
  std::vector<double> values_;
  double last_ = 0;            // last value, unscaled, for DIF and the Y-check
  double last_diff_ = 0;       // last DIF difference, unscaled, for DUP
  bool previous_dif_ = false;  // the previous data line ended in DIF form
  std::string digits_;
};

bool PageDecoder::affn(std::string_view s, std::size_t& pos, bool exponent, double& v) const {
  std::size_t p = pos;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) ++p;
  std::size_t mantissa_digits = 0;
  while (p < s.size() && is_digit(s[p])) ++p, ++mantissa_digits;
  if (p < s.size() && s[p] == '.') {
    ++p;
    while (p < s.size() && is_digit(s[p])) ++p, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (exponent && p < s.size() && (s[p] == 'E' || s[p] == 'e')) {
    std::size_t q = p + 1;
    if (q < s.size() && (s[q] == '+' || s[q] == '-')) ++q;
    if (q < s.size() && is_digit(s[q])) {
      while (q < s.size() && is_digit(s[q])) ++q;
      p = q;
    }
  }
  const auto parsed = parse_number(s.substr(pos, p - pos));
  if (!parsed) return false;
  v = *parsed;
  pos = p;
  return true;
}

double PageDecoder::asdf_value(std::string_view s, std::size_t& pos, int first, bool negative,
                               std::size_t number) const {
  const std::size_t start = pos;
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
  }
  std::string text;
  text.reserve(pos - start + 2);
  if (negative) text.push_back('-');
  text.push_back(static_cast<char>('0' + first));
  text.append(s.substr(start, pos - start));
  const auto v = parse_number(text);
  if (!v) reader_.fail_at(number, "ASDF value " + shown(text) + " is not a finite number");
  return *v;
}

void PageDecoder::emit(double raw, std::size_t number) {
  if (values_.size() >= limit_)
    reader_.fail_at(number,
                    "the page holds more than VAR_DIM= " + std::to_string(limit_) + " values");
  const double v = raw * factor_;
  if (!std::isfinite(raw) || !std::isfinite(v))
    reader_.fail_at(number,
                    "a value times FACTOR is not finite (" + g17(raw) + " x " + g17(factor_) + ")");
  values_.push_back(v);
  last_ = raw;
}

bool PageDecoder::line(std::string_view s, std::size_t number) {
  s = content(s);
  std::size_t pos = 0;
  const auto skip = [&] {
    while (pos < s.size() && (is_blank(s[pos]) || s[pos] == ',')) ++pos;
  };
  skip();
  if (pos == s.size()) return false;
  double x = 0;
  if (!affn(s, pos, x_exponent_, x))
    reader_.fail_at(number,
                    "expected the X value that opens a data line, found " + shown(s.substr(pos)));
  const std::size_t at_start = values_.size();
  Last last = Last::none;
  bool in_dif = false;
  bool checked = false;
  for (;;) {
    skip();
    if (pos >= s.size()) break;
    const char c = s[pos];
    double value = 0;
    bool absolute = true;
    if (is_digit(c) || c == '.' || c == '+' || c == '-') {
      if (!affn(s, pos, exponent_, value))
        reader_.fail_at(number, "expected a number at " + shown(s.substr(pos)));
    } else if (c == '@' || (c >= 'A' && c <= 'I') || (c >= 'a' && c <= 'i')) {  // SQZ
      ++pos;
      const bool negative = c >= 'a';
      const int first = c == '@' ? 0 : (negative ? c - 'a' + 1 : c - 'A' + 1);
      value = asdf_value(s, pos, first, negative, number);
    } else if (c == '%' || (c >= 'J' && c <= 'R') || (c >= 'j' && c <= 'r')) {  // DIF
      ++pos;
      const bool negative = c >= 'j';
      const int first = c == '%' ? 0 : (negative ? c - 'j' + 1 : c - 'J' + 1);
      value = asdf_value(s, pos, first, negative, number);
      absolute = false;
    } else if ((c >= 'S' && c <= 'Z') || c == 's') {  // DUP: the total number of occurrences
      ++pos;
      std::uint64_t count = c == 's' ? 9 : static_cast<std::uint64_t>(c - 'S' + 1);
      while (pos < s.size() && is_digit(s[pos])) {
        count = count * 10 + static_cast<std::uint64_t>(s[pos] - '0');
        if (count > limit_) reader_.fail_at(number, "DUP count exceeds VAR_DIM");
        ++pos;
      }
      if (last != Last::absolute && last != Last::dif)
        reader_.fail_at(number, "a DUP count must follow a value (SQZ, DIF or AFFN)");
      if (count - 1 > limit_ - values_.size())
        reader_.fail_at(number,
                        "the page holds more than VAR_DIM= " + std::to_string(limit_) + " values");
      for (std::uint64_t k = 1; k < count; ++k) emit(in_dif ? last_ + last_diff_ : last_, number);
      last = Last::dup;
      continue;
    } else if (c == '?') {
      reader_.fail_at(number, "a missing value '?' in the data");
    } else {
      reader_.fail_at(number, "unexpected character " + shown(s.substr(pos, 1)) + " in " +
                                  shown(s.substr(pos)));
    }

    if (last == Last::none && previous_dif_) {
      // The previous line ended in DIF form: this one opens with its last value again.
      if (!absolute)
        reader_.fail_at(number, "expected the Y-check value " + g17(last_) +
                                    " (the previous line ends in DIF form), found a DIF value");
      const double scale = std::max({1.0, std::fabs(value), std::fabs(last_)});
      if (std::fabs(value - last_) > 1e-9 * scale)
        reader_.fail_at(number, "Y-check failed: the line opens with " + g17(value) +
                                    " but the previous line ends with " + g17(last_));
      checked = true;
      last = Last::check;
      in_dif = false;
      continue;
    }
    if (absolute) {
      emit(value, number);
      last = Last::absolute;
      in_dif = false;
    } else {
      if (values_.empty())
        reader_.fail_at(number, "a DIF value with no value before it in the page");
      last_diff_ = value;
      emit(last_ + value, number);
      last = Last::dif;
      in_dif = true;
    }
  }
  if (last == Last::none) reader_.fail_at(number, "a data line with an X value and no Y values");
  previous_dif_ = in_dif;

  // The line's X names its first point (the Y-check point when there is one).
  const std::size_t index = checked ? at_start - 1 : at_start;
  const double expected = x_.first + static_cast<double>(index) * x_.step;
  const double got = x * x_.factor;
  if (!(std::fabs(got - expected) <= x_.tolerance))
    reader_.fail_at(number, "the line's X value " + g17(x) + " (x FACTOR = " + g17(got) +
                                ") is not that of point " + std::to_string(index) + " (" +
                                g17(expected) + ")");
  return true;
}

void Reader::load() {
  std::error_code ec;
  const auto size = fs::file_size(file_, ec);
  if (ec) fail("cannot read the file: " + ec.message());
  if (size > kMaxFileBytes)
    fail("the file has " + std::to_string(size) + " bytes, more than the " +
         std::to_string(kMaxFileBytes) + " a JCAMP-DX FID file is read with");
  std::ifstream in(file_, std::ios::binary);
  if (!in) fail("cannot open the file");
  text_.resize(static_cast<std::size_t>(size));
  in.read(text_.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size)
    fail("could read only " + std::to_string(in.gcount()) + " of " + std::to_string(size) +
         " bytes");
}

void Reader::split_records() {
  const std::string_view text = text_;
  std::size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a UTF-8 byte order mark
  std::size_t number = 0;
  std::size_t first_text_line = 0;  // a non-blank line before the first record
  while (pos < text.size()) {
    const std::size_t start = pos;
    const std::string_view raw = next_line(text, pos);
    ++number;
    const std::string_view line = strip_comment(raw);
    std::size_t k = 0;
    while (k < line.size() && is_blank(line[k])) ++k;
    if (line.substr(k, 2) != "##" || content(line).empty()) {
      if (records_.empty() && first_text_line == 0 && !content(line).empty())
        first_text_line = number;
      continue;
    }
    if (!records_.empty()) {
      Record& previous = records_.back();
      previous.body = text.substr(0, start).substr(previous.body.data() - text.data());
    }
    const auto eq = line.find('=', k + 2);
    if (eq == std::string_view::npos)
      fail_at(number, "expected '=' after the label in " + shown(trim(line)));
    Record r;
    r.label = normalize(line.substr(k + 2, eq - k - 2), true);
    r.value = trim(line.substr(eq + 1));
    r.line = number;
    r.body = text.substr(pos);
    r.body_line = number + 1;
    records_.push_back(std::move(r));
  }
  line_count_ = number;
  if (records_.empty()) fail("no ##TITLE= record: not a JCAMP-DX file");
  if (first_text_line != 0 && first_text_line < records_.front().line)
    fail_at(first_text_line, "expected ##TITLE=, found text before the first record");
}

Block Reader::parse_block(std::size_t& i, bool inside_link) {
  Block b;
  b.title = &records_[i];
  b.records.push_back(b.title);
  for (++i; i < records_.size(); ++i) {
    const Record& r = records_[i];
    if (r.label == "TITLE") {
      if (!b.link || inside_link)
        fail_at(r.line, "##TITLE= opens a block before ##END= closes the block opened at line " +
                            std::to_string(b.title->line));
      b.children.push_back(parse_block(i, true));
      --i;
      continue;
    }
    if (r.label == "END") {
      for (std::size_t n = r.body_line, pos = 0; pos < r.body.size(); ++n)
        if (!content(next_line(r.body, pos)).empty())
          fail_at(n, "text after ##END= (expected ##TITLE= or the end of the file)");
      b.end = &r;
      ++i;
      return b;
    }
    if (r.label == "DATATYPE" && !inside_link && normalize(r.value, false) == "LINK") b.link = true;
    b.records.push_back(&r);
  }
  fail_at(line_count_, "the file ends before ##END= closes the block opened at line " +
                           std::to_string(b.title->line));
}

// A comma-separated list (the record's value continued on the lines of its body), trimmed.
std::vector<std::string> list_of(const Record& r) {
  std::string all(r.value);
  for (std::size_t pos = 0; pos < r.body.size();) {
    all.push_back(' ');
    all.append(content(next_line(r.body, pos)));
  }
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = all.find(',', start);
    out.emplace_back(trim(std::string_view(all).substr(
        start, comma == std::string::npos ? std::string::npos : comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Fid Reader::decode_fid(const Block& block) {
  const std::size_t title = block.title->line;
  // Records in order: the block header, the NTUPLES attributes, then the pages.
  std::map<std::string, const Record*> header, attributes;
  struct PageRecords {
    const Record* page = nullptr;
    const Record* table = nullptr;
  };
  std::vector<PageRecords> pages;
  const Record* ntuples = nullptr;
  const Record* end_ntuples = nullptr;
  for (const Record* r : block.records) {
    if (end_ntuples != nullptr) continue;
    if (ntuples == nullptr) {
      if (r->label == "NTUPLES") {
        ntuples = r;
      } else if (r->label == "PAGE" || r->label == "DATATABLE" || r->label == "ENDNTUPLES") {
        fail_at(r->line, "##" + r->label + "= outside an ##NTUPLES= table");
      } else {
        header.emplace(r->label, r);
      }
    } else if (r->label == "PAGE") {
      if (pages.size() >= 2) fail_at(r->line, "a third page: an NMR FID has one R and one I page");
      pages.push_back({r, nullptr});
    } else if (r->label == "DATATABLE") {
      if (pages.empty()) fail_at(r->line, "##DATA TABLE= before the first ##PAGE=");
      if (pages.back().table != nullptr)
        fail_at(r->line, "a second ##DATA TABLE= in the page opened at line " +
                             std::to_string(pages.back().page->line));
      pages.back().table = r;
    } else if (r->label == "ENDNTUPLES") {
      end_ntuples = r;
    } else if (r->label == "NTUPLES" || r->label == "XYDATA") {
      fail_at(r->line, "##" + r->label + "= inside the NTUPLES table opened at line " +
                           std::to_string(ntuples->line));
    } else if (pages.empty()) {
      attributes.emplace(r->label, r);
    }
  }

  const auto type = header.find("DATATYPE");
  if (type == header.end()) fail_at(title, "the block has no ##DATA TYPE= (expected NMR FID)");
  const std::string type_value = normalize(type->second->value, false);
  if (type_value == "LINK")
    fail_at(type->second->line, "a LINK block inside a LINK block (expected NMR FID blocks)");
  if (type_value != "NMRFID")
    fail_at(type->second->line, "DATA TYPE " + shown(type->second->value) +
                                    ": only NMR FID data is read (not spectra or other data)");
  if (const auto cls = header.find("DATACLASS");
      cls != header.end() && normalize(cls->second->value, false) != "NTUPLES")
    fail_at(cls->second->line, "DATA CLASS " + shown(cls->second->value) +
                                   ": only NTUPLES tables with R and I pages are read");
  if (ntuples == nullptr) fail_at(title, "the block has no ##NTUPLES= table of R and I pages");
  if (end_ntuples == nullptr)
    fail_at(block.end->line, "##END= before ##END NTUPLES= closes the table opened at line " +
                                 std::to_string(ntuples->line));

  const auto attribute = [&](const char* label, bool required) -> std::vector<std::string> {
    const auto it = attributes.find(label);
    if (it == attributes.end()) {
      if (required)
        fail_at(ntuples->line, std::string("the NTUPLES table has no ##") + label + "=");
      return {};
    }
    return list_of(*it->second);
  };
  const auto attribute_line = [&](const char* label) {
    const auto it = attributes.find(label);
    return it == attributes.end() ? ntuples->line : it->second->line;
  };
  const auto symbols = attribute("SYMBOL", true);
  const auto dims = attribute("VARDIM", true);
  const auto firsts = attribute("FIRST", true);
  const auto lasts = attribute("LAST", true);
  const auto factors = attribute("FACTOR", false);
  const auto forms = attribute("VARFORM", false);
  const auto units = attribute("UNITS", false);

  const auto column = [&](std::string_view symbol) -> std::size_t {
    for (std::size_t k = 0; k < symbols.size(); ++k)
      if (normalize(symbols[k], false) == symbol) return k;
    fail_at(attribute_line("SYMBOL"), "##SYMBOL= has no column " + std::string(symbol));
  };
  const auto entry = [](const std::vector<std::string>& list, std::size_t k) -> std::string {
    return k < list.size() ? list[k] : std::string();
  };
  const auto number = [&](const std::vector<std::string>& list, const char* label,
                          std::size_t k) -> double {
    const auto v = parse_number(entry(list, k));
    if (!v)
      fail_at(attribute_line(label), std::string("##") + label + "= has no finite number for " +
                                         symbols[k] + " (found " + shown(entry(list, k)) + ")");
    return *v;
  };
  const auto dim = [&](std::size_t k) -> std::size_t {
    const double v = number(dims, "VARDIM", k);
    if (v < 1 || v > static_cast<double>(kMaxPoints) || v != std::floor(v))
      fail_at(attribute_line("VARDIM"), "VAR_DIM of " + symbols[k] + " is " + g17(v) +
                                            ", expected a whole number from 1 to " +
                                            std::to_string(kMaxPoints));
    return static_cast<std::size_t>(v);
  };
  const auto factor = [&](std::size_t k) -> double {
    if (entry(factors, k).empty()) return 1.0;
    const double v = number(factors, "FACTOR", k);
    if (v == 0) fail_at(attribute_line("FACTOR"), "FACTOR of " + symbols[k] + " is 0");
    return v;
  };
  const auto asdf = [&](std::size_t k) -> bool {
    const std::string form = normalize(entry(forms, k), false);
    if (form.empty() || form == "AFFN" || form == "PAC") return false;
    if (form == "ASDF" || form == "SQZ" || form == "DIF" || form == "DUP" || form == "DIFDUP")
      return true;
    fail_at(attribute_line("VARFORM"), "VAR_FORM of " + symbols[k] + " is " +
                                           shown(entry(forms, k)) + ", expected AFFN or ASDF");
  };

  const std::size_t real = column("R");
  const std::size_t imag = column("I");
  const std::size_t t = dim(real);
  if (dim(imag) != t)
    fail_at(attribute_line("VARDIM"), "R and I of different length: VAR_DIM gives R " +
                                          std::to_string(t) + " and I " +
                                          std::to_string(dim(imag)) + " points");
  if (points_ + t > kMaxImagePoints)
    fail_at(attribute_line("VARDIM"),
            "the file holds more than " + std::to_string(kMaxImagePoints) + " points in all");

  // Each page's table names its X and Y columns: (X++(R..R)), XYDATA.
  const Record* page_of[2] = {nullptr, nullptr};
  const Record* table_of[2] = {nullptr, nullptr};
  std::string x_symbol;
  for (const auto& p : pages) {
    if (p.table == nullptr)
      fail_at(p.page->line, "the page has no ##DATA TABLE= before the next record");
    const std::string v = normalize(p.table->value, false);
    const auto plus = v.find("++(");
    const auto dots = v.find("..");
    const auto close = v.find("))");
    if (v.empty() || v.front() != '(' || plus == std::string::npos || dots == std::string::npos ||
        close == std::string::npos || !(plus < dots && dots < close) ||
        v.substr(close) != ")),XYDATA" ||
        v.substr(plus + 3, dots - plus - 3) != v.substr(dots + 2, close - dots - 2))
      fail_at(p.table->line, "DATA TABLE " + shown(p.table->value) +
                                 ", expected (X++(R..R)), XYDATA or (X++(I..I)), XYDATA");
    const std::string xs = v.substr(1, plus - 1);
    const std::string ys = v.substr(plus + 3, dots - plus - 3);
    if (!x_symbol.empty() && xs != x_symbol)
      fail_at(p.table->line, "the pages name different X columns (" + x_symbol + ", " + xs + ")");
    x_symbol = xs;
    const int which = ys == normalize(symbols[real], false)   ? 0
                      : ys == normalize(symbols[imag], false) ? 1
                                                              : -1;
    if (which < 0)
      fail_at(p.table->line, "the page holds column " + shown(ys) + ", expected R or I");
    if (page_of[which] != nullptr)
      fail_at(p.page->line, "a second page of " + ys + " (the first is at line " +
                                std::to_string(page_of[which]->line) + ")");
    page_of[which] = p.page;
    table_of[which] = p.table;
  }
  for (int which = 0; which < 2; ++which)
    if (page_of[which] == nullptr)
      fail_at(end_ntuples->line, std::string("the NTUPLES table has no page of ") +
                                     (which == 0 ? "R (real)" : "I (imaginary)") + " values");

  // The X axis: X_i = FIRST + i (LAST - FIRST) / (VAR_DIM - 1); line-start X only checked.
  const std::size_t xc = column(x_symbol);
  if (dim(xc) != t)
    fail_at(attribute_line("VARDIM"), "VAR_DIM of " + symbols[xc] + " is " +
                                          std::to_string(dim(xc)) + " but R and I have " +
                                          std::to_string(t));
  XAxis x;
  x.first = number(firsts, "FIRST", xc);
  const double last = number(lasts, "LAST", xc);
  x.factor = factor(xc);
  x.step = t > 1 ? (last - x.first) / static_cast<double>(t - 1) : 0.0;
  x.tolerance =
      std::max(0.5 * std::fabs(x.step), 1e-9 * std::max(std::fabs(x.first), std::fabs(last)));
  if (!std::isfinite(x.step)) fail_at(attribute_line("LAST"), "the X axis is not finite");

  // The dwell: from the X axis in seconds, or 1/SW_h, cross-checked when both are there.
  Fid fid;
  fid.line = title;
  const std::string x_units = normalize(entry(units, xc), false);
  const bool seconds =
      x_units == "SECONDS" || x_units == "SECOND" || x_units == "SEC" || x_units == "S";
  if (!x_units.empty() && !seconds)
    fail_at(attribute_line("UNITS"), "the X axis is in " + shown(entry(units, xc)) +
                                         ", expected SECONDS (an FID's time axis)");
  std::optional<double> sw_dwell;
  std::string sw_text;
  if (const auto sw = header.find("$SWH"); sw != header.end()) {
    const auto hz = parse_number(sw->second->value);
    if (!hz || *hz <= 0 || !std::isfinite(1.0 / *hz))
      fail_at(sw->second->line,
              "##$SW_h= " + shown(sw->second->value) + ", expected a spectral width in Hz > 0");
    sw_dwell = 1.0 / *hz;
    sw_text = "##$SW_h= " + std::string(sw->second->value) + " Hz (dwell " + g17(*sw_dwell) + " s)";
  }
  if (seconds && t > 1) {
    if (!(x.step > 0))
      fail_at(attribute_line("LAST"), "the time axis does not increase (FIRST " + g17(x.first) +
                                          ", LAST " + g17(last) + ")");
    fid.dwell = x.step;
    if (sw_dwell && std::fabs(*sw_dwell - x.step) > 1e-6 * x.step)
      fail_at(attribute_line("LAST"), "the X axis gives a dwell of " + g17(x.step) + " s (FIRST " +
                                          g17(x.first) + ", LAST " + g17(last) + ", VAR_DIM " +
                                          std::to_string(t) + ") but " + sw_text);
  } else if (sw_dwell) {
    fid.dwell = *sw_dwell;
  } else {
    fail_at(ntuples->line, seconds ? "one point and no ##$SW_h=: the dwell is unknown"
                                   : "no dwell: the X units are not given as SECONDS and there "
                                     "is no ##$SW_h=");
  }

  if (const auto a = header.find("$RASERFLOWANGLEDEG"); a != header.end()) {
    fid.angle = parse_number(a->second->value);
    if (!fid.angle)
      fail_at(a->second->line, "##$RASERFLOW ANGLE DEG= " + shown(a->second->value) +
                                   ", expected a finite number of degrees");
  }

  // X values use exponents only when the X column's form is AFFN and the Y columns are not ASDF
  // (in ASDF, the 'E' of "12E3" is the SQZ digit 5).
  Page pr = decode_page(*page_of[0], *table_of[0], asdf(real), t, factor(real), x,
                        !asdf(xc) && !asdf(real));
  Page pi = decode_page(*page_of[1], *table_of[1], asdf(imag), t, factor(imag), x,
                        !asdf(xc) && !asdf(imag));
  if (pr.values.size() != pi.values.size())
    fail_at(std::min(pr.values.size(), pi.values.size()) == pr.values.size() ? pr.last_line
                                                                             : pi.last_line,
            "R and I of different length: the R page (line " + std::to_string(pr.line) +
                ") holds " + std::to_string(pr.values.size()) + " values, the I page (line " +
                std::to_string(pi.line) + ") " + std::to_string(pi.values.size()) +
                "; VAR_DIM= " + std::to_string(t));
  if (pr.values.size() != t)
    fail_at(pr.last_line, "the R and I pages end after " + std::to_string(pr.values.size()) +
                              " values (lines " + std::to_string(pr.last_line) + " and " +
                              std::to_string(pi.last_line) + ") but VAR_DIM= " + std::to_string(t));
  points_ += t;
  fid.values.resize(t);
  for (std::size_t k = 0; k < t; ++k) fid.values[k] = Complex(pr.values[k], pi.values[k]);
  return fid;
}

Page Reader::decode_page(const Record& page, const Record& table, bool asdf, std::size_t limit,
                         double factor, const XAxis& x, bool x_exponent) {
  Page p;
  p.line = page.line;
  p.last_line = table.line;
  PageDecoder decoder(*this, limit, factor, x, !asdf, x_exponent);
  std::size_t number = table.body_line;
  for (std::size_t pos = 0; pos < table.body.size(); ++number)
    if (decoder.line(next_line(table.body, pos), number)) p.last_line = number;
  p.values = decoder.take();
  return p;
}

Recording Reader::read() {
  load();
  split_records();
  if (records_.front().label != "TITLE")
    fail_at(records_.front().line,
            "expected ##TITLE= as the first record, found ##" + records_.front().label + "=");
  std::size_t i = 0;
  const Block top = parse_block(i, false);
  if (i < records_.size())
    fail_at(records_[i].line, "a record after the final ##END= (one block or one LINK file)");

  std::vector<Fid> fids;
  if (top.link && top.children.empty())
    fail_at(top.end->line, "the LINK block holds no NMR FID blocks");
  if (!top.link) {
    fids.push_back(decode_fid(top));
  } else {
    for (const Record* r : top.records)
      if (r->label == "BLOCKS") {
        const auto n = parse_number(r->value);
        if (!n || *n != static_cast<double>(top.children.size()))
          fail_at(r->line, "##BLOCKS= " + shown(r->value) + " but the LINK file holds " +
                               std::to_string(top.children.size()) + " blocks");
      }
    for (const Block& child : top.children) fids.push_back(decode_fid(child));
  }

  Recording rec;
  rec.source = file_.string();
  rec.dwell = fids.front().dwell;
  for (const Fid& f : fids) {
    const Fid& first = fids.front();
    if (f.values.size() != first.values.size())
      fail_at(f.line, "the block holds " + std::to_string(f.values.size()) +
                          " points, the block at line " + std::to_string(first.line) + " " +
                          std::to_string(first.values.size()));
    if (std::fabs(f.dwell - first.dwell) > 1e-6 * first.dwell)
      fail_at(f.line, "the block's dwell " + g17(f.dwell) + " s differs from " + g17(first.dwell) +
                          " s of the block at line " + std::to_string(first.line));
    if (f.angle.has_value() != first.angle.has_value()) {
      const Fid& without = f.angle ? first : f;
      const Fid& with = f.angle ? f : first;
      fail_at(without.line, "this block has no ##$RASERFLOW ANGLE DEG= but the block at line " +
                                std::to_string(with.line) + " has one (all or none)");
    }
  }
  for (Fid& f : fids) {
    if (f.angle) rec.angles.push_back(*f.angle);
    rec.fids.push_back(std::move(f.values));
  }
  return rec;
}

// ---- writer ----------------------------------------------------------------------------------

void append_line(std::string& out, std::string_view line) {
  out.append(line);
  out.push_back('\n');
}

void append_page(std::string& out, const std::vector<Complex>& fid, bool imaginary) {
  append_line(out, imaginary ? "##PAGE= N=2" : "##PAGE= N=1");
  append_line(
      out, imaginary ? "##DATA TABLE= (X++(I..I)), XYDATA" : "##DATA TABLE= (X++(R..R)), XYDATA");
  std::string line;
  for (std::size_t k = 0; k < fid.size(); ++k) {
    const std::string v = affn9(imaginary ? fid[k].imag() : fid[k].real());
    if (!line.empty() && line.size() + 1 + v.size() > kMaxLineWidth) {
      append_line(out, line);
      line.clear();
    }
    if (line.empty()) line = std::to_string(k);
    line += ' ';
    line += v;
  }
  if (!line.empty()) append_line(out, line);
}

void append_block(std::string& out, const std::vector<Complex>& fid, const double* angle,
                  double dwell, double mhz, std::size_t id, std::size_t count) {
  const std::size_t t = fid.size();
  double min_r = fid[0].real(), max_r = min_r, min_i = fid[0].imag(), max_i = min_i;
  for (const Complex& z : fid) {
    min_r = std::min(min_r, z.real());
    max_r = std::max(max_r, z.real());
    min_i = std::min(min_i, z.imag());
    max_i = std::max(max_i, z.imag());
  }
  // Rounding to %.9g is monotonic, so MIN/MAX of the printed values are those printed here.
  const std::string last_x = g17(static_cast<double>(t - 1) * dwell);
  const auto row = [&](std::string_view x, double r, double i, std::string_view n) {
    return std::string(x) + ", " + affn9(r) + ", " + affn9(i) + ", " + std::string(n);
  };
  append_line(out, count == 1 ? "##TITLE= raserflow FID"
                              : "##TITLE= raserflow FID, projection " + std::to_string(id) +
                                    " of " + std::to_string(count));
  append_line(out, "##JCAMP-DX= 5.01");
  append_line(out, "##DATA TYPE= NMR FID");
  append_line(out, "##DATA CLASS= NTUPLES");
  if (count > 1) append_line(out, "##BLOCK_ID= " + std::to_string(id));
  append_line(out, "##ORIGIN= raserflow");
  append_line(out, "##OWNER= public domain");
  append_line(out, "##.OBSERVE FREQUENCY= " + g17(mhz));
  append_line(out, "##.OBSERVE NUCLEUS= ^1H");
  append_line(out, "##$SW_h= " + g17(1.0 / dwell));
  if (angle != nullptr) append_line(out, "##$RASERFLOW ANGLE DEG= " + g17(*angle));
  append_line(out, "##NTUPLES= NMR FID");
  append_line(out, "##VAR_NAME= TIME, FID/REAL, FID/IMAG, PAGE NUMBER");
  append_line(out, "##SYMBOL= X, R, I, N");
  append_line(out, "##VAR_TYPE= INDEPENDENT, DEPENDENT, DEPENDENT, PAGE");
  append_line(out, "##VAR_FORM= AFFN, AFFN, AFFN, AFFN");
  const std::string ts = std::to_string(t);
  append_line(out, "##VAR_DIM= " + ts + ", " + ts + ", " + ts + ", 2");
  append_line(out, "##UNITS= SECONDS, ARBITRARY UNITS, ARBITRARY UNITS,");
  append_line(out, "##FIRST= " + row("0", fid[0].real(), fid[0].imag(), "1"));
  append_line(out, "##LAST= " + row(last_x, fid[t - 1].real(), fid[t - 1].imag(), "2"));
  append_line(out, "##MIN= " + row("0", min_r, min_i, "1"));
  append_line(out, "##MAX= " + row(last_x, max_r, max_i, "2"));
  // X is the point index: FACTOR_X = dwell, so each line's X times FACTOR is its time.
  append_line(out, "##FACTOR= " + g17(dwell) + ", 1, 1, 1");
  append_page(out, fid, false);
  append_page(out, fid, true);
  append_line(out, "##END NTUPLES= NMR FID");
  append_line(out, "##END=");
}

}  // namespace

Recording read_jcamp(const std::filesystem::path& file) {
  return Reader(file).read();
}

std::string jcamp_text(const std::vector<std::vector<Complex>>& fids,
                       const std::vector<double>& angles, double dwell, double spectrometer_mhz) {
  const auto bad = [&](const std::string& what) {
    throw std::invalid_argument("cannot write JCAMP-DX: " + what);
  };
  if (fids.empty()) bad("no FIDs");
  const std::size_t t = fids.front().size();
  if (t == 0) bad("FIDs of 0 points");
  if (t > kMaxPoints || fids.size() * t > kMaxImagePoints)
    bad("more points than the reader accepts (" + std::to_string(kMaxPoints) + " per FID, " +
        std::to_string(kMaxImagePoints) + " in all)");
  for (std::size_t p = 0; p < fids.size(); ++p) {
    if (fids[p].size() != t)
      bad("FID " + std::to_string(p) + " has " + std::to_string(fids[p].size()) +
          " points, FID 0 has " + std::to_string(t));
    for (const Complex& z : fids[p])
      if (!std::isfinite(z.real()) || !std::isfinite(z.imag()))
        bad("FID " + std::to_string(p) + " holds a value that is not finite");
  }
  if (!angles.empty() && angles.size() != fids.size())
    bad(std::to_string(angles.size()) + " angles for " + std::to_string(fids.size()) + " FIDs");
  for (double a : angles)
    if (!std::isfinite(a)) bad("an angle is not finite");
  if (!(dwell > 0) || !std::isfinite(dwell) || !std::isfinite(1.0 / dwell) ||
      !std::isfinite(static_cast<double>(t) * dwell))
    bad("dwell " + g17(dwell) + " s, expected a finite number > 0");
  if (!(spectrometer_mhz > 0) || !std::isfinite(spectrometer_mhz))
    bad("spectrometer frequency " + g17(spectrometer_mhz) + " MHz, expected > 0");

  std::string out;
  const std::size_t count = fids.size();
  if (count > 1) {
    append_line(out, "##TITLE= raserflow RASER image, " + std::to_string(count) + " projections");
    append_line(out, "##JCAMP-DX= 5.01");
    append_line(out, "##DATA TYPE= LINK");
    append_line(out, "##BLOCKS= " + std::to_string(count));
  }
  for (std::size_t p = 0; p < count; ++p)
    append_block(out, fids[p], angles.empty() ? nullptr : &angles[p], dwell, spectrometer_mhz,
                 p + 1, count);
  if (count > 1) append_line(out, "##END=");
  return out;
}

void write_jcamp(const std::filesystem::path& file, const std::vector<std::vector<Complex>>& fids,
                 const std::vector<double>& angles, double dwell, double spectrometer_mhz) {
  std::string out;
  try {
    out = jcamp_text(fids, angles, dwell, spectrometer_mhz);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(at_file(file, e.what()));
  }
  write_file_replacing(file, out);
}

}  // namespace raserflow::acquisition
