#pragma once
// A reader of the paper's folder layout written from its description (plugins/io/README.md),
// not from the writer's code: image folders sorted by the integer after the last 'e', the
// ground truth PNG, angle folders 1..P, each with one sub-folder of CSV files. It throws when
// a folder holds anything but what the layout names, so a half-written or stray folder shows.
#include <algorithm>
#include <complex>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>

namespace io_test {

struct PaperProjection {
  std::vector<std::complex<double>> signal;  // output.csv, columns re, im
  std::vector<double> meta, d0, a0, phi0;
};

struct PaperImage {
  std::string name;
  cv::Mat truth;  // 8-bit grey
  std::vector<PaperProjection> projections;
};

inline std::vector<std::vector<double>> read_csv(const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::vector<std::vector<double>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<double> row;
    for (const char* s = line.c_str();;) {
      char* end = nullptr;
      row.push_back(std::strtod(s, &end));
      if (end == s) throw std::runtime_error("not a number in " + p.string() + ": " + line);
      if (*end == '\0') break;
      if (*end != ',') throw std::runtime_error("not a comma in " + p.string() + ": " + line);
      s = end + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

inline std::set<std::string> entries(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.insert(e.path().filename().string());
  return names;
}

inline std::vector<double> one_line(const std::filesystem::path& p) {
  auto rows = read_csv(p);
  if (rows.size() != 1) throw std::runtime_error(p.string() + " is not one line");
  return rows[0];
}

inline PaperImage read_image_folder(const std::filesystem::path& dir,
                                    const std::string& subfolder) {
  PaperImage image{dir.filename().string(), {}, {}};
  auto names = entries(dir);
  if (!names.erase(image.name + ".png")) throw std::runtime_error("no PNG in " + dir.string());
  image.truth = cv::imread((dir / (image.name + ".png")).string(), cv::IMREAD_UNCHANGED);
  for (std::size_t j = 1; names.erase(std::to_string(j)); ++j) {
    const auto sub = dir / std::to_string(j) / subfolder;
    const std::set<std::string> files{"output.csv", "meta.csv", "d(0).csv", "A(0).csv",
                                      "Phi(0).csv"};
    if (entries(dir / std::to_string(j)) != std::set<std::string>{subfolder} ||
        entries(sub) != files)
      throw std::runtime_error("unexpected files in " + (dir / std::to_string(j)).string());
    PaperProjection p;
    for (const auto& row : read_csv(sub / "output.csv")) {
      if (row.size() != 2) throw std::runtime_error("output.csv rows must be re,im");
      p.signal.emplace_back(row[0], row[1]);
    }
    p.meta = one_line(sub / "meta.csv");
    p.d0 = one_line(sub / "d(0).csv");
    p.a0 = one_line(sub / "A(0).csv");
    p.phi0 = one_line(sub / "Phi(0).csv");
    image.projections.push_back(std::move(p));
  }
  if (!names.empty())
    throw std::runtime_error("stray entry " + *names.begin() + " in " + dir.string());
  return image;
}

// Every image folder under `root`, sorted as the paper's code sorts them.
inline std::vector<PaperImage> read_paper_folders(const std::filesystem::path& root,
                                                  const std::string& subfolder = "signal") {
  std::vector<std::pair<long long, std::filesystem::path>> folders;
  for (const auto& e : std::filesystem::directory_iterator(root)) {
    const auto name = e.path().filename().string();
    folders.emplace_back(std::stoll(name.substr(name.rfind('e') + 1)), e.path());
  }
  std::sort(folders.begin(), folders.end());
  std::vector<PaperImage> images;
  for (const auto& [k, dir] : folders) images.push_back(read_image_folder(dir, subfolder));
  return images;
}

}  // namespace io_test
