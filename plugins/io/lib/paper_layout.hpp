#pragma once
// The folder layout that the RASER-MRI paper's published training code reads (science.md §2.2,
// item 4), one folder per image k:
//   image<k>/image<k>.png           the ground truth, 8-bit grey, level round(255 clamp(v, 0, 1))
//   image<k>/<j>/<sub>/output.csv   signal of projection j (1-based): T lines "re,im"
//   image<k>/<j>/<sub>/meta.csv     one line "j,angle_deg,d0,epsilon" (d0: sum of d(0))
//   image<k>/<j>/<sub>/d(0).csv     the initial inversion profile d_mu(0), one line of M values
//   image<k>/<j>/<sub>/A(0).csv     |alpha_mu(0)|, one line of M values
//   image<k>/<j>/<sub>/Phi(0).csv   arg alpha_mu(0) in [0, 2 pi), one line of M values
// The code sorts image folders by the integer after the last 'e' of their name and takes
// field 1 of meta.csv as the angle in degrees.
#include <complex>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace raserflow::io::paper {

// One item's fields as row-major spans, their shapes already checked against each other.
struct ImageRecord {
  std::span<const double> image;  // [rows x cols], values in [0, 1]
  std::int64_t rows = 0, cols = 0;
  std::span<const double> angles_deg;                // [P]
  std::span<const std::complex<double>> signals;     // [P x T]
  std::int64_t samples = 0;                          // T
  std::span<const double> inversion;                 // [P x M], spins
  std::span<const std::complex<double>> transverse;  // [P x M], spins
  std::int64_t modes = 0;                            // M
  std::span<const double> epsilon;                   // [P], or empty when not known
};

struct Format {
  std::string subfolder = "signal";  // the folder inside each angle folder
  int precision = 17;                // significant digits; 17 reads back every double exactly
};

// "image<k>"
std::string folder_name(std::int64_t image);

// The integer after the last 'e' of a folder name, the key the paper's code sorts by; nullopt
// when there is none.
std::optional<std::int64_t> image_number(std::string_view folder_name);

// The 8-bit grey level of an image value: round(255 * clamp(v, 0, 1)), so level / 255 is
// within 1/510 of the clamped value. v must be finite.
std::uint8_t gray_level(double v);

// arg z in [0, 2 pi).
double phase(std::complex<double> z);

// v as printf's "%.<precision>g" writes it in the C locale (nan, inf and -inf as such).
void append_number(std::string& out, double v, int precision);

// "v0,v1,...\n"
std::string csv_row(std::span<const double> values, int precision);

// One line "re,im" per value: the T x 2 table whose transpose has the real parts in its
// first row and the imaginary parts in its second.
std::string csv_re_im(std::span<const std::complex<double>> values, int precision);

// Writes image `image`'s files into `folder` (an existing, empty folder). Throws
// raserflow::Error naming the file that could not be written.
void write_image(const std::filesystem::path& folder, std::int64_t image, const ImageRecord& r,
                 const Format& format);

}  // namespace raserflow::io::paper
