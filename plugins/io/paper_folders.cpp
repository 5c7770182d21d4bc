// io.paper_folders: one folder per item in the layout the RASER-MRI paper's published training
// code reads (science.md §2.2 item 4; lib/paper_layout.hpp), so simulated data sets can be
// fed to that code unchanged.
#include <unistd.h>
#include <cerrno>
#include <cmath>
#include <complex>
#include <cstring>

#include "item_files.hpp"
#include "item_path.hpp"
#include "paper_layout.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::DType;
using raserflow::Error;
using raserflow::Param;
using raserflow::ParamError;
namespace fs = std::filesystem;
namespace io = raserflow::io;

std::string describe(const std::string& name, const Array& a) {
  return "field '" + name + "' " + std::string(raserflow::dtype_name(a.dtype())) + " " +
         raserflow::shape_string(a.shape());
}

struct PaperFolders final : raserflow::Node {
  static constexpr auto type = "io.paper_folders";
  static constexpr auto doc =
      "writes one folder per item in the layout the RASER-MRI paper's training code reads: "
      "image<k>/image<k>.png and, per projection j, <j>/<subfolder>/ with output.csv, meta.csv, "
      "d(0).csv, A(0).csv, Phi(0).csv; folders appear whole when the run ends";
  static constexpr auto execution = raserflow::Execution::ordered;
  static constexpr bool resumable = true;

  Param<std::string> path{this,
                          "path",
                          "paper",
                          {.doc = "folder that receives the image folders, relative to the "
                                  "run's output folder",
                           .path = raserflow::PathKind::output}};
  Param<std::int64_t> image_offset{
      this,
      "image_offset",
      std::int64_t{0},
      {.doc = "item i is written as image<i + image_offset> (e.g. 1 for folders from image1)",
       .min = 0}};
  Param<std::string> subfolder{
      this,
      "subfolder",
      "signal",
      {.doc = "name of the folder inside each angle folder that holds the CSV files"}};
  Param<int> precision{this,
                       "precision",
                       17,
                       {.doc = "significant digits of the CSV numbers (%.<precision>g); 17 reads "
                               "back every double exactly",
                        .min = 1,
                        .max = 17}};
  Param<std::string> image_field{
      this, "image_field", "image", {.doc = "float64 [rows x cols] ground truth in [0, 1]"}};
  Param<std::string> signal_field{
      this,
      "signal_field",
      "signals",
      {.doc = "complex128 [P x T] signal per projection (signals, or fid for the received one)"}};
  Param<std::string> angles_field{
      this, "angles_field", "angles", {.doc = "float64 [P] projection angles, degrees"}};
  Param<std::string> inversion_field{
      this,
      "inversion_field",
      "initial_inversion",
      {.doc = "float64 [P x M] initial inversion d_mu(0) per projection and mode, spins"}};
  Param<std::string> transverse_field{
      this,
      "transverse_field",
      "initial_transverse",
      {.doc = "complex128 [P x M] initial transverse spin alpha_mu(0), spins"}};
  Param<std::string> epsilon_field{
      this,
      "epsilon_field",
      "epsilon",
      {.doc = "optional float64 [P] epsilon per projection for meta.csv (nan when absent); "
              "empty: not read"}};

  void configure() override {
    const auto& sub = *subfolder;
    if (sub.empty() || sub == "." || sub == ".." || sub.find('/') != std::string::npos)
      throw ParamError("subfolder", "'" + sub + "' is not a folder name");
    const auto read = [&](const std::string& param, const std::string& field, DType dtype, int rank,
                          const char* what, bool optional = false) {
      if (field.empty()) throw ParamError(param, "name the field to read");
      read_field({.declared = field,
                  .dtype = dtype,
                  .rank = rank,
                  .doc = what,
                  .optional = optional,
                  .param = param});
    };
    read("image_field", *image_field, DType::float64, 2, "[rows x cols] -> image<k>.png");
    read("signal_field", *signal_field, DType::complex128, 2, "[P x T] -> output.csv");
    read("angles_field", *angles_field, DType::float64, 1, "[P] degrees -> meta.csv");
    read("inversion_field", *inversion_field, DType::float64, 2, "[P x M] -> d(0).csv");
    read("transverse_field", *transverse_field, DType::complex128, 2,
         "[P x M] -> A(0).csv, Phi(0).csv");
    if (!epsilon_field->empty())
      read("epsilon_field", *epsilon_field, DType::float64, 1, "[P] -> meta.csv", true);
  }

  void start() override {
    root_ = io::in_output_dir(output_dir(), *path);
    check_writable(root_);
    files_.start(checkpoint_dir(), output_dir(), resumed().next_index);
  }

  void process(raserflow::Item& s) override {
    const auto& image = get(s, field_image, DType::float64, 2, "[rows x cols]");
    const auto& angles = get(s, field_angles, DType::float64, 1, "[P]");
    const auto& signals = get(s, field_signals, DType::complex128, 2, "[P x T]");
    const auto& inversion = get(s, field_inversion, DType::float64, 2, "[P x M]");
    const auto& transverse = get(s, field_transverse, DType::complex128, 2, "[P x M]");
    const Array* epsilon = nullptr;
    if (reads().size() > field_epsilon && s.has(reads()[field_epsilon].actual))
      epsilon = &get(s, field_epsilon, DType::float64, 1, "[P]");

    const auto p = angles.dim(0);
    if (p == 0) throw Error(describe(name(field_angles), angles) + " holds no projection");
    const auto same_rows = [&](std::size_t slot, const Array& a) {
      if (a.dim(0) != p)
        throw Error(describe(name(slot), a) + " has " + std::to_string(a.dim(0)) +
                    " projections but " + describe(name(field_angles), angles) + " has " +
                    std::to_string(p) + "; every field needs one row per angle");
    };
    same_rows(field_signals, signals);
    same_rows(field_inversion, inversion);
    same_rows(field_transverse, transverse);
    if (epsilon) same_rows(field_epsilon, *epsilon);
    if (transverse.dim(1) != inversion.dim(1))
      throw Error(describe(name(field_transverse), transverse) + " has " +
                  std::to_string(transverse.dim(1)) + " modes but " +
                  describe(name(field_inversion), inversion) + " has " +
                  std::to_string(inversion.dim(1)) + "; both need one column per mode");
    const auto pixels = image.values<double>();
    for (std::size_t i = 0; i < pixels.size(); ++i)
      if (!std::isfinite(pixels[i]))
        throw Error(describe(name(field_image), image) + " holds " + std::to_string(pixels[i]) +
                    " at [" + std::to_string(static_cast<std::int64_t>(i) / image.dim(1)) + ", " +
                    std::to_string(static_cast<std::int64_t>(i) % image.dim(1)) +
                    "]; the ground truth PNG needs finite values");

    const io::paper::ImageRecord record{
        .image = pixels,
        .rows = image.dim(0),
        .cols = image.dim(1),
        .angles_deg = angles.values<double>(),
        .signals = signals.values<std::complex<double>>(),
        .samples = signals.dim(1),
        .inversion = inversion.values<double>(),
        .transverse = transverse.values<std::complex<double>>(),
        .modes = inversion.dim(1),
        .epsilon = epsilon ? epsilon->values<double>() : std::span<const double>{}};
    const io::paper::Format format{*subfolder, *precision};
    const auto k = s.index() + *image_offset;
    files_.write_folder(s.index(), root_ / io::paper::folder_name(k), [&](const fs::path& dir) {
      io::paper::write_image(dir, k, record, format);
    });
  }

  void checkpoint(const raserflow::Progress&) override { files_.checkpoint(); }
  void finish() override { files_.publish(); }
  void abort() noexcept override { files_.discard(); }

 private:
  // Slots of reads(), in the order configure() declares them.
  static constexpr std::size_t field_image = 0, field_signals = 1, field_angles = 2,
                               field_inversion = 3, field_transverse = 4, field_epsilon = 5;

  const std::string& name(std::size_t slot) const { return reads()[slot].actual; }

  // The array of a field with the dtype and rank the layout needs; the pipeline checks both
  // before a run, but a node driven another way (tests, embedding programs) is not.
  const Array& get(const raserflow::Item& s, std::size_t slot, DType dtype, int rank,
                   const char* shape) const {
    const auto& a = s.array(name(slot));
    if (a.dtype() != dtype || a.rank() != rank)
      throw Error(describe(name(slot), a) + "; io.paper_folders needs " +
                  std::string(raserflow::dtype_name(dtype)) + " " + shape + " (parameter " +
                  reads()[slot].param + ")");
    return a;
  }

  // Fails before the first item when the image folders could not be published at the end:
  // the nearest existing folder on the way to `root` must be a writable folder.
  static void check_writable(const fs::path& root) {
    std::error_code ec;
    auto p = root;
    while (!p.empty() && !fs::exists(p, ec) && p.has_parent_path() && p.parent_path() != p)
      p = p.parent_path();
    if (!fs::is_directory(p, ec))
      throw Error("cannot write image folders in " + root.string() + ": " + p.string() +
                  " is not a folder");
    if (::access(p.c_str(), W_OK) != 0)
      throw Error("cannot write image folders in " + root.string() + ": " + p.string() + ": " +
                  std::strerror(errno));
  }

  fs::path root_;
  io::ItemFiles files_;
};
RASERFLOW_NODE(PaperFolders);

}  // namespace
