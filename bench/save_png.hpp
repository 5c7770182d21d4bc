#pragma once
// Writes a figure program's PNG and says where: shared by raser_figures and dnp_figures.
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

inline void save_png(const std::filesystem::path& file, const cv::Mat& image) {
  if (!cv::imwrite(file.string(), image)) throw std::runtime_error("cannot write " + file.string());
  std::printf("wrote %s\n", file.c_str());
}
