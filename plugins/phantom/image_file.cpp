// phantom.file: a ground-truth image from a PNG or TIFF file, e.g. a measured or hand-drawn
// phantom, the same for every item.
#include <limits>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "opencv_array.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Error;
using raserflow::Param;

struct ImageFile final : raserflow::Node {
  static constexpr auto type = "phantom.file";
  static constexpr auto doc =
      "a grayscale image read from a PNG or TIFF file (8 or 16 bit integer, or float in [0, 1]; "
      "colour "
      "converted to gray), scaled to [0, 1]; the same for every item";

  Param<std::string> path{this,
                          "path",
                          raserflow::required,
                          {.doc = "PNG or TIFF file", .path = raserflow::PathKind::input}};
  Param<int> size{
      this,
      "size",
      0,
      {.doc =
           "resample to size x size with area averaging (cv::INTER_AREA); 0 keeps the file's size",
       .unit = "px",
       .min = 0,
       .max = 8192}};
  raserflow::Writes<double, 2> image{
      this, "image", {.doc = "[rows x cols] of the file, or [size x size]; in [0, 1]"}};

  raserflow::Array loaded;

  void start() override {
    const std::string& file = *path;
    cv::Mat raw;
    try {
      // ANYCOLOR keeps colour images as BGR so that cvtColor, not the codec, makes the gray;
      // ANYDEPTH keeps 16-bit and float pixels instead of reducing them to 8 bits.
      raw = cv::imread(file, cv::IMREAD_ANYCOLOR | cv::IMREAD_ANYDEPTH);
    } catch (const cv::Exception& e) {
      throw Error("cannot read image '" + file + "': " + e.what());
    }
    if (raw.empty())
      throw Error("cannot read image '" + file +
                  "': missing, unreadable, or not an image format OpenCV can decode "
                  "(use an 8- or 16-bit grayscale PNG or TIFF)");
    cv::Mat gray = to_gray(raw, file);
    cv::Mat unit;
    gray.convertTo(unit, CV_64F);
    const double full = full_scale(gray, file);
    if (full == 1.0) {
      check_unit_range(unit, file);
    } else {
      // A true division, not a multiplication by 1/full, so that v/255 comes back bit for bit.
      for (auto it = unit.begin<double>(); it != unit.end<double>(); ++it) *it /= full;
    }
    if (*size > 0 && (unit.rows != *size || unit.cols != *size)) {
      cv::Mat resized;
      cv::resize(unit, resized, cv::Size(*size, *size), 0, 0, cv::INTER_AREA);
      // Area averaging stays in [0, 1]; enlarging interpolates and may overshoot by rounding.
      cv::min(resized, 1.0, resized);
      cv::max(resized, 0.0, resized);
      unit = resized;
    }
    loaded = raserflow::cv_bridge::adopt(unit);
  }

  void process(raserflow::Item& s) override { image.put(s, loaded); }

  static cv::Mat to_gray(const cv::Mat& raw, const std::string& file) {
    cv::Mat gray;
    switch (raw.channels()) {
      case 1:
        return raw;
      case 3:
        cv::cvtColor(raw, gray, cv::COLOR_BGR2GRAY);
        return gray;
      case 4:
        cv::cvtColor(raw, gray, cv::COLOR_BGRA2GRAY);
        return gray;
      default:
        throw Error("image '" + file + "' has " + std::to_string(raw.channels()) +
                    " channels; expected gray (1), BGR (3) or BGRA (4)");
    }
  }

  // The value that maps to 1: the integer type's largest, or 1 for float pixels.
  static double full_scale(const cv::Mat& gray, const std::string& file) {
    switch (gray.depth()) {
      case CV_8U:
        return std::numeric_limits<std::uint8_t>::max();
      case CV_16U:
        return std::numeric_limits<std::uint16_t>::max();
      case CV_32F:
      case CV_64F:
        return 1.0;
      default:
        throw Error("image '" + file + "' has an unsupported pixel type (" +
                    cv::typeToString(gray.type()) +
                    "); use 8- or 16-bit unsigned integers, or floats in [0, 1]");
    }
  }

  static void check_unit_range(const cv::Mat& unit, const std::string& file) {
    if (!cv::checkRange(unit))
      throw Error("image '" + file +
                  "' holds NaN or infinite pixels; only finite values in [0, 1] are accepted");
    double lo = 0, hi = 0;
    cv::minMaxLoc(unit, &lo, &hi);
    if (lo < 0 || hi > 1)
      throw Error("image '" + file + "' holds floating-point pixels outside [0, 1] (min " +
                  std::to_string(lo) + ", max " + std::to_string(hi) +
                  "); scale it to [0, 1] first");
  }
};
RASERFLOW_NODE(ImageFile);

}  // namespace
