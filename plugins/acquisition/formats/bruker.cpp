#include "bruker.hpp"

#include <fftw3.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "fftw_planner.hpp"

namespace raserflow::acquisition {

namespace fs = std::filesystem;

namespace {

// Sane limits, checked before anything a header claims is allocated.
constexpr std::uintmax_t kMaxParameterFileBytes = std::uintmax_t{16} << 20;  // acqus: ~10 KB
constexpr std::int64_t kMaxTd = std::int64_t{1} << 29;    // stored values per row
constexpr std::int64_t kMaxRows = std::int64_t{1} << 24;  // rows of a ser
constexpr std::uint64_t kRowAlignment = 1024;             // every row starts on this boundary

std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// For messages: a value as found in the file, shortened and with control characters hidden.
std::string shown(std::string_view s) {
  std::string out = "'";
  for (char c : s.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  return out + (s.size() > 40 ? "...'" : "'");
}

std::optional<double> parse_real(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_integer(std::string_view s) {
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string read_whole_file(const fs::path& file, std::uintmax_t limit, const char* what) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) throw FormatError(at_file(file, "cannot be read: " + ec.message()));
  if (size > limit)
    throw FormatError(at_file(file, "is " + std::to_string(size) + " bytes, more than the " +
                                        std::to_string(limit) + " bytes " + what + " may have"));
  std::ifstream in(file, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size)))
    throw FormatError(
        at_file(file, "cannot be read to its end (" + std::to_string(size) + " bytes expected)"));
  return bytes;
}

// A Bruker JCAMP-style parameter file (acqus, acqu2s): `##$KEY= value` records, arrays
// `(0..n)` and `<strings>` that may continue on the following lines, `##` core headers and
// `$$` comments, ending with `##END=`. Only what raserflow needs is interpreted: a value is kept
// as its text (continuation lines appended) and parsed when asked for.
class ParameterFile {
 public:
  explicit ParameterFile(fs::path file) : file_(std::move(file)) {
    const std::string text = read_whole_file(file_, kMaxParameterFileBytes, "a parameter file");
    std::string* open = nullptr;  // the value that continuation lines extend
    bool first = true;
    bool ended = false;
    std::size_t line_no = 0;
    for (std::size_t pos = 0; pos < text.size() && !ended;) {
      const std::size_t eol = std::min(text.find('\n', pos), text.size());
      const std::string_view raw(text.data() + pos, eol - pos);
      pos = eol + 1;
      ++line_no;
      if (raw.find('\0') != std::string_view::npos)
        throw FormatError(at_line(file_, line_no, "binary data (NUL byte) in a parameter file"));
      const std::string_view line = trim(raw);
      if (line.empty()) continue;
      if (first && !line.starts_with("##"))
        throw FormatError(
            at_line(file_, line_no,
                    "expected a JCAMP parameter file starting with '##', found " + shown(line)));
      first = false;
      if (line.starts_with("##END=")) {
        ended = true;
      } else if (line.starts_with("##$")) {
        open = &record(line, line_no);
      } else if (line.starts_with("##") || line.starts_with("$$")) {
        open = nullptr;  // core header (TITLE, JCAMPDX, ORIGIN, ...) or comment: not needed
      } else if (open != nullptr) {
        (*open += ' ') += line;  // array values or the rest of a multi-line string
      }
    }
    if (first) throw FormatError(at_file(file_, "is empty, expected a JCAMP parameter file"));
    if (!ended)
      throw FormatError(
          at_line(file_, line_no, "file ends before '##END=' (truncated parameter file?)"));
  }

  const fs::path& file() const { return file_; }

  // Required values: a missing key names the key; a bad value names its line.
  std::int64_t integer(const std::string& key, const char* meaning) const {
    if (const auto v = optional_integer(key)) return *v;
    missing(key, meaning);
  }
  double real(const std::string& key, const char* meaning) const {
    if (const auto v = optional_real(key)) return *v;
    missing(key, meaning);
  }

  std::optional<std::int64_t> optional_integer(const std::string& key) const {
    const auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    if (auto v = parse_integer(it->second.text)) return v;
    fail(key, "expected an integer");
  }
  std::optional<double> optional_real(const std::string& key) const {
    const auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    if (auto v = parse_real(it->second.text)) return v;
    fail(key, "expected a finite number");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    const auto& v = values_.at(key);
    throw FormatError(at_line(file_, v.line, "##$" + key + "= " + shown(v.text) + ": " + what));
  }

 private:
  struct Value {
    std::string text;
    std::size_t line;
  };

  std::string& record(std::string_view line, std::size_t line_no) {
    const std::size_t eq = line.find('=');
    const std::string key(trim(line.substr(3, eq == std::string_view::npos ? 0 : eq - 3)));
    if (eq == std::string_view::npos || key.empty())
      throw FormatError(at_line(file_, line_no, "expected '##$KEY= value', found " + shown(line)));
    const auto [it, inserted] =
        values_.try_emplace(key, Value{std::string(trim(line.substr(eq + 1))), line_no});
    if (!inserted)
      throw FormatError(at_line(file_, line_no,
                                "parameter " + key + " given a second time (first on line " +
                                    std::to_string(it->second.line) + ")"));
    return it->second.text;
  }

  [[noreturn]] void missing(const std::string& key, const char* meaning) const {
    throw FormatError(at_file(file_, "has no ##$" + key + "= (" + meaning + ")"));
  }

  fs::path file_;
  std::map<std::string, Value> values_;
};

// How the rows of `fid` / `ser` are stored (formats.md §3.1).
struct Storage {
  std::int64_t td = 0;      // stored values per row (re + im)
  int dtypa = 0;            // 0 int32, 1 float32, 2 float64
  bool big_endian = false;  // BYTORDA 1
  std::uint64_t width() const { return dtypa == 2 ? 8 : 4; }
  const char* type_name() const {
    return dtypa == 0 ? "int32" : dtypa == 1 ? "float32" : "float64";
  }
};

Storage storage_of(const ParameterFile& acqus) {
  Storage s;
  s.td = acqus.integer("TD", "stored values per row, re + im");
  if (s.td < 2 || s.td % 2 != 0 || s.td > kMaxTd)
    acqus.fail("TD", "expected an even number of stored values from 2 to " +
                         std::to_string(kMaxTd) + " (TD = 2 x complex points)");
  const std::int64_t aq_mod = acqus.integer("AQ_mod", "acquisition mode, 1 or 3 for complex");
  if (aq_mod == 0 || aq_mod == 2)
    acqus.fail("AQ_mod",
               "real-only data (qf / qsim) is not supported; expected complex data, "
               "AQ_mod 1 (qseq) or 3 (DQD)");
  if (aq_mod != 1 && aq_mod != 3) acqus.fail("AQ_mod", "expected 1 or 3 (complex data)");
  // Data written before TopSpin introduced DTYPA is int32, as nmrglue and brukerconverter assume.
  const std::int64_t dtypa = acqus.optional_integer("DTYPA").value_or(0);
  if (dtypa != 0 && dtypa != 1 && dtypa != 2)
    acqus.fail("DTYPA", "expected 0 (int32), 1 (float32) or 2 (float64)");
  s.dtypa = static_cast<int>(dtypa);
  const std::int64_t bytorda = acqus.integer("BYTORDA", "byte order, 0 little- or 1 big-endian");
  if (bytorda != 0 && bytorda != 1)
    acqus.fail("BYTORDA", "expected 0 (little-endian) or 1 (big-endian)");
  s.big_endian = bytorda == 1;
  return s;
}

// The digital filter's group delay in points (formats.md §3.1). nmrglue's un-rounded table of
// (DSPFVS 10..13, DECIM) delays, for data older than GRPDLY; 0 marks a combination it lacks.
struct DspDelay {
  int decim;
  double dspfvs[4];  // DSPFVS 10, 11, 12, 13
};
constexpr DspDelay kDspTable[] = {
    {2, {44.75, 46.0, 46.0, 2.75}},
    {3, {33.5, 36.5, 36.5, 2.8333333333333333}},
    {4, {66.625, 48.0, 48.0, 2.875}},
    {6, {59.083333333333333, 50.166666666666667, 50.166666666666667, 2.9166666666666667}},
    {8, {68.5625, 53.25, 53.25, 2.9375}},
    {12, {60.375, 69.5, 69.5, 2.9583333333333333}},
    {16, {69.53125, 72.25, 71.625, 2.96875}},
    {24, {61.020833333333333, 70.166666666666667, 70.166666666666667, 2.9791666666666667}},
    {32, {70.015625, 72.75, 72.125, 2.984375}},
    {48, {61.34375, 70.5, 70.5, 2.9895833333333333}},
    {64, {70.2578125, 73.0, 72.375, 2.9921875}},
    {96, {61.505208333333333, 70.666666666666667, 70.666666666666667, 2.9947916666666667}},
    {128, {70.37890625, 72.5, 72.5, 0}},
    {192, {61.5859375, 71.333333333333333, 71.333333333333333, 0}},
    {256, {70.439453125, 72.25, 72.25, 0}},
    {384, {61.626302083333333, 71.666666666666667, 71.666666666666667, 0}},
    {512, {70.4697265625, 72.125, 72.125, 0}},
    {768, {61.646484375, 71.833333333333333, 71.833333333333333, 0}},
    {1024, {70.48486328125, 72.0625, 72.0625, 0}},
    {1536, {61.656575520833333, 71.916666666666667, 71.916666666666667, 0}},
    {2048, {70.492431640625, 72.03125, 72.03125, 0}},
};

double group_delay_points(const ParameterFile& acqus, std::int64_t points) {
  const std::int64_t digmod = acqus.optional_integer("DIGMOD").value_or(0);
  if (digmod == 0) return 0;  // no digital filter: nothing to correct [formats.md §3.1, I]
  const std::optional<double> grpdly = acqus.optional_real("GRPDLY");
  double delay = 0;
  if (grpdly && *grpdly > 0) {
    delay = *grpdly;
    if (delay >= static_cast<double>(points))
      acqus.fail("GRPDLY", "a group delay of at least the row's " + std::to_string(points) +
                               " points cannot be corrected");
    return delay;
  }
  const std::int64_t dspfvs =
      acqus.integer("DSPFVS", "digital filter version; DIGMOD != 0 and no GRPDLY > 0");
  if (dspfvs >= 14) return 0;  // firmware that removes the delay itself
  if (dspfvs < 10)
    acqus.fail("DSPFVS", "DIGMOD = " + std::to_string(digmod) +
                             " says a digital filter was on, but neither GRPDLY > 0 nor DSPFVS "
                             "10..13 (table) or >= 14 (none) gives its group delay");
  const std::int64_t decim = acqus.integer("DECIM", "decimation of the digital filter");
  for (const auto& row : kDspTable)
    if (row.decim == decim && row.dspfvs[dspfvs - 10] > 0) delay = row.dspfvs[dspfvs - 10];
  if (delay == 0)
    acqus.fail("DECIM", "no known group delay for DSPFVS = " + std::to_string(dspfvs) +
                            " with this DECIM (expected 2, 3, 4, 6, 8, 12, ... 2048)");
  if (delay >= static_cast<double>(points))
    acqus.fail("DECIM",
               "the table's group delay exceeds the row's " + std::to_string(points) + " points");
  return delay;
}

struct FftwPlan {
  fftw_plan plan = nullptr;
  ~FftwPlan() {
    if (plan) fftw_destroy_plan(plan);
  }
};
struct FftwFree {
  void operator()(fftw_complex* p) const { fftw_free(p); }
};

// Advances every row circularly by `delay` points: multiplies its DFT by
// exp(+i 2 pi delay k / N) with k signed in [-N/2, N/2), so that a fractional delay shifts the
// band-limited signal rather than adding a phase jump at the Nyquist bin.
void remove_group_delay(std::vector<std::vector<Complex>>& rows, double delay) {
  const std::size_t n = rows.front().size();
  const int n_int = static_cast<int>(n);
  std::unique_ptr<fftw_complex, FftwFree> buffer(fftw_alloc_complex(n));
  if (!buffer) throw std::bad_alloc();
  fftw::make_planner_thread_safe();
  FftwPlan forward{
      fftw_plan_dft_1d(n_int, buffer.get(), buffer.get(), FFTW_FORWARD, FFTW_ESTIMATE)};
  FftwPlan backward{
      fftw_plan_dft_1d(n_int, buffer.get(), buffer.get(), FFTW_BACKWARD, FFTW_ESTIMATE)};
  if (!forward.plan || !backward.plan)
    throw std::runtime_error("FFTW could not plan a transform of " + std::to_string(n) + " points");
  std::vector<Complex> ramp(n);
  const double dn = static_cast<double>(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double ks = k < n - n / 2 ? static_cast<double>(k) : static_cast<double>(k) - dn;
    // delay * ks / n reduced modulo 1 before the 2 pi, to keep the phase accurate
    const double turns = std::fmod(delay * ks, dn) / dn;
    ramp[k] = std::polar(1.0 / dn, 2 * std::numbers::pi * turns);
  }
  auto* data = reinterpret_cast<Complex*>(buffer.get());
  for (auto& row : rows) {
    std::copy(row.begin(), row.end(), data);
    fftw_execute(forward.plan);
    for (std::size_t k = 0; k < n; ++k) data[k] *= ramp[k];
    fftw_execute(backward.plan);
    std::copy(data, data + n, row.begin());
  }
}

template <typename U>
U load(const unsigned char* p, bool big_endian) {
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    const std::size_t shift = 8 * (big_endian ? sizeof(U) - 1 - i : i);
    v |= static_cast<U>(static_cast<U>(p[i]) << shift);
  }
  return v;
}

double decode(const unsigned char* p, const Storage& s) {
  switch (s.dtypa) {
    case 0:
      return static_cast<double>(std::bit_cast<std::int32_t>(load<std::uint32_t>(p, s.big_endian)));
    case 1:
      return static_cast<double>(std::bit_cast<float>(load<std::uint32_t>(p, s.big_endian)));
    default:
      return std::bit_cast<double>(load<std::uint64_t>(p, s.big_endian));
  }
}

std::vector<double> read_angles(const fs::path& file, std::size_t rows) {
  const std::string text =
      read_whole_file(file, (std::uintmax_t{1} << 20) + 64 * rows, "an angle list");
  std::vector<double> angles;
  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = trim(std::string_view(text.data() + pos, eol - pos));
    pos = eol + 1;
    ++line_no;
    if (line.empty()) continue;
    const auto angle = parse_real(line);
    if (!angle)
      throw FormatError(
          at_line(file, line_no, "expected one angle in degrees per line, found " + shown(line)));
    if (angles.size() == rows)
      throw FormatError(
          at_line(file, line_no, "more angles than the " + std::to_string(rows) + " rows of data"));
    angles.push_back(*angle);
  }
  if (angles.size() != rows)
    throw FormatError(at_file(file, "has " + std::to_string(angles.size()) +
                                        " angles, expected one per row: " + std::to_string(rows)));
  return angles;
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// ---- writing ----

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string parameter_file(const std::string& title,
                           const std::vector<std::pair<std::string, std::string>>& values) {
  std::string text = "##TITLE= Parameter file, " + title +
                     "\n##JCAMPDX= 5.0\n##DATATYPE= Parameter Values\n##ORIGIN= raserflow\n"
                     "##OWNER= raserflow\n$$ written by raserflow (write_bruker)\n";
  for (const auto& [key, value] : values) text += "##$" + key + "= " + value + "\n";
  return text + "##END=\n";
}

void write_file(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error(at_file(file, "could not be written"));
}

}  // namespace

Recording read_bruker(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw FormatError(at_file(folder,
                              "is not a folder; expected a Bruker experiment folder "
                              "holding acqus and fid (or ser and acqu2s)"));
  const fs::path acqus_path = folder / "acqus";
  if (!is_file(acqus_path))
    throw FormatError(at_file(acqus_path, "missing; a Bruker experiment folder needs acqus"));
  const ParameterFile acqus(acqus_path);
  const Storage storage = storage_of(acqus);
  const double sw_h = acqus.real("SW_h", "spectral width in Hz");
  if (!(sw_h > 0) || !std::isfinite(1 / sw_h)) acqus.fail("SW_h", "expected a positive width");

  // A ser with its acqu2s holds P rows; otherwise fid holds one.
  const fs::path ser = folder / "ser";
  const fs::path acqu2s_path = folder / "acqu2s";
  const fs::path fid = folder / "fid";
  bool use_ser = is_file(ser);
  if (use_ser && !is_file(acqu2s_path)) {
    if (!is_file(fid))
      throw FormatError(at_file(acqu2s_path, "missing; a ser needs acqu2s for its row count"));
    use_ser = false;
  }
  if (!use_ser && !is_file(fid))
    throw FormatError(at_file(folder, "holds neither fid nor ser (with acqu2s)"));
  const fs::path data_path = use_ser ? ser : fid;
  std::int64_t rows = 1;
  if (use_ser) {
    const ParameterFile acqu2s(acqu2s_path);
    rows = acqu2s.integer("TD", "rows of the ser");
    if (rows < 1 || rows > kMaxRows)
      acqu2s.fail("TD", "expected 1 to " + std::to_string(kMaxRows) + " rows");
  }

  // Rows start on 1024-byte boundaries; the last one may lack its padding.
  const std::uint64_t row_bytes = static_cast<std::uint64_t>(storage.td) * storage.width();
  const std::uint64_t stride = (row_bytes + kRowAlignment - 1) / kRowAlignment * kRowAlignment;
  const auto p = static_cast<std::uint64_t>(rows);
  const std::uint64_t full = p * stride;
  const std::uint64_t least = (p - 1) * stride + row_bytes;
  const std::uintmax_t size = fs::file_size(data_path, ec);
  if (ec) throw FormatError(at_file(data_path, "cannot be read: " + ec.message()));
  const std::string layout =
      std::to_string(rows) + " row(s) of TD = " + std::to_string(storage.td) + " " +
      storage.type_name() + " values (acqus TD, DTYPA" + (use_ser ? "; acqu2s TD" : "") +
      "), each row starting on a 1024-byte boundary";
  if (size < least)
    throw FormatError(at_byte(data_path, size,
                              "data ends here, inside row " + std::to_string(size / stride + 1) +
                                  " of " + std::to_string(rows) + "; expected " +
                                  std::to_string(full) + " bytes for " + layout +
                                  " (truncated file, or TD larger than what was recorded)"));
  if (size > full)
    throw FormatError(at_byte(data_path, full,
                              "expected the data to end here (" + layout + "), but the file has " +
                                  std::to_string(size) + " bytes: TD does not match the file"));

  const std::string bytes = read_whole_file(data_path, full, "this data file");
  const auto points = static_cast<std::size_t>(storage.td / 2);
  Recording rec;
  rec.source = folder.string();
  rec.dwell = 1 / sw_h;
  rec.fids.assign(static_cast<std::size_t>(rows), std::vector<Complex>(points));
  const auto* base = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::uint64_t w = storage.width();
  for (std::uint64_t r = 0; r < p; ++r) {
    for (std::size_t j = 0; j < points; ++j) {
      const std::uint64_t offset = r * stride + 2 * j * w;
      const double re = decode(base + offset, storage);
      const double im = decode(base + offset + w, storage);
      if (!std::isfinite(re) || !std::isfinite(im))
        throw FormatError(at_byte(data_path, std::isfinite(re) ? offset + w : offset,
                                  std::string("a ") + storage.type_name() +
                                      " sample that is NaN or infinite; expected finite data"));
      rec.fids[r][j] = Complex(re, im);
    }
  }

  if (const double delay = group_delay_points(acqus, static_cast<std::int64_t>(points)); delay > 0)
    remove_group_delay(rec.fids, delay);

  const fs::path angles_path = folder / "raserflow_angles";
  if (is_file(angles_path)) rec.angles = read_angles(angles_path, rec.fids.size());
  return rec;
}

void write_bruker(const fs::path& folder, const std::vector<std::vector<Complex>>& fids,
                  const std::vector<double>& angles, double dwell, double spectrometer_mhz) {
  if (fids.empty() || fids.front().empty())
    throw std::invalid_argument("write_bruker: no projections, or projections of 0 points");
  const std::size_t points = fids.front().size();
  for (std::size_t r = 0; r < fids.size(); ++r) {
    if (fids[r].size() != points)
      throw std::invalid_argument("write_bruker: projection " + std::to_string(r) + " has " +
                                  std::to_string(fids[r].size()) + " points, projection 0 has " +
                                  std::to_string(points));
    for (const Complex& z : fids[r])
      if (!std::isfinite(z.real()) || !std::isfinite(z.imag()))
        throw std::invalid_argument("write_bruker: projection " + std::to_string(r) +
                                    " has a NaN or infinite sample");
  }
  if (static_cast<std::int64_t>(points) > kMaxTd / 2)
    throw std::invalid_argument("write_bruker: more than " + std::to_string(kMaxTd / 2) +
                                " points per projection");
  if (!angles.empty() && angles.size() != fids.size())
    throw std::invalid_argument("write_bruker: " + std::to_string(angles.size()) + " angles for " +
                                std::to_string(fids.size()) + " projections");
  if (!std::all_of(angles.begin(), angles.end(), [](double a) { return std::isfinite(a); }))
    throw std::invalid_argument("write_bruker: an angle is NaN or infinite");
  const double sw_h = 1 / dwell;
  if (!(dwell > 0) || !std::isfinite(dwell) || !std::isfinite(sw_h))
    throw std::invalid_argument("write_bruker: dwell must be positive and finite");
  if (!(spectrometer_mhz > 0) || !std::isfinite(spectrometer_mhz))
    throw std::invalid_argument("write_bruker: spectrometer_mhz must be positive and finite");

  const bool two_d = fids.size() > 1;
  const std::string mhz = number(spectrometer_mhz);
  const std::string sw = number(sw_h / spectrometer_mhz);
  std::vector<std::pair<std::string, std::string>> files;  // name, contents
  files.emplace_back("acqus", parameter_file("raserflow projections, direct dimension",
                                             {{"AQ_mod", "3"},
                                              {"BF1", mhz},
                                              {"BYTORDA", "0"},
                                              {"DECIM", "1"},
                                              {"DIGMOD", "0"},
                                              {"DS", "0"},
                                              {"DSPFVS", "0"},
                                              {"DTYPA", "2"},
                                              {"GRPDLY", "0"},
                                              {"NS", "1"},
                                              {"NUC1", "<1H>"},
                                              {"O1", "0"},
                                              {"PARMODE", two_d ? "1" : "0"},
                                              {"PULPROG", "<raser_projection>"},
                                              {"SFO1", mhz},
                                              {"SW", sw},
                                              {"SW_h", number(sw_h)},
                                              {"TD", std::to_string(2 * points)}}));
  if (two_d)
    files.emplace_back("acqu2s", parameter_file("raserflow projections, one per row",
                                                {{"FnMODE", "1"},
                                                 {"O1", "0"},
                                                 {"SFO1", mhz},
                                                 {"SW", sw},
                                                 {"SW_h", number(sw_h)},
                                                 {"TD", std::to_string(fids.size())}}));
  // float64 little-endian, each row padded with zeros to the next 1024-byte boundary
  const std::size_t stride = (2 * points * 8 + kRowAlignment - 1) / kRowAlignment * kRowAlignment;
  std::string data(fids.size() * stride, '\0');
  for (std::size_t r = 0; r < fids.size(); ++r)
    for (std::size_t j = 0; j < points; ++j)
      for (int part = 0; part < 2; ++part) {
        const double v = part == 0 ? fids[r][j].real() : fids[r][j].imag();
        const auto bits = std::bit_cast<std::uint64_t>(v);
        char* out = data.data() + r * stride + (2 * j + static_cast<std::size_t>(part)) * 8;
        for (int b = 0; b < 8; ++b) out[b] = static_cast<char>((bits >> (8 * b)) & 0xff);
      }
  files.emplace_back(two_d ? "ser" : "fid", std::move(data));
  if (!angles.empty()) {
    std::string text;
    for (double a : angles) text += number(a) + "\n";
    files.emplace_back("raserflow_angles", std::move(text));
  }

  fs::create_directories(folder);
  const auto temporary = [&](const std::string& name) {
    return folder / (name + ".raserflow-partial");
  };
  try {
    for (const auto& [name, contents] : files) write_file(temporary(name), contents);
    // acqus marks a complete folder: remove the old one first, then any file of an earlier
    // write that this one does not replace, and put the new acqus in place last.
    fs::remove(folder / "acqus");
    for (const char* name : {"fid", "ser", "acqu2s", "raserflow_angles"})
      if (std::none_of(files.begin(), files.end(), [&](const auto& f) { return f.first == name; }))
        fs::remove(folder / name);
    for (std::size_t i = files.size(); i-- > 0;)  // acqus is files[0]: renamed last
      fs::rename(temporary(files[i].first), folder / files[i].first);
  } catch (...) {
    std::error_code ignored;
    for (const auto& f : files) fs::remove(temporary(f.first), ignored);
    throw;
  }
}

}  // namespace raserflow::acquisition
