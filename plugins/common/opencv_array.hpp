#pragma once
// Zero-copy bridges between raserflow arrays and OpenCV matrices, for plugins that draw,
// resample or encode images with OpenCV.
#include <memory>

#include <opencv2/core.hpp>

#include "raserflow/array.hpp"
#include "raserflow/error.hpp"

namespace raserflow::cv_bridge {

// A read-only CV_64F view of a float64 array of rank 2 (rows x cols). The view shares the
// array's buffer: do not write through it, and keep the array alive while it is used.
inline cv::Mat view(const Array& a) {
  if (a.dtype() != DType::float64 || a.rank() != 2)
    throw Error("expected a float64 array of rank 2, got " + std::string(dtype_name(a.dtype())) +
                " " + shape_string(a.shape()));
  return cv::Mat(static_cast<int>(a.dim(0)), static_cast<int>(a.dim(1)), CV_64F,
                 const_cast<double*>(a.values<double>().data()));
}

// An array over a CV_64F (or CV_8U) matrix's pixels, without copying: the matrix is kept
// alive by the array. Non-continuous matrices are copied once to make them continuous.
inline Array adopt(cv::Mat m) {
  if (!m.isContinuous()) m = m.clone();
  DType dtype;
  switch (m.type()) {
    case CV_64F:
      dtype = DType::float64;
      break;
    case CV_8U:
      dtype = DType::uint8;
      break;
    default:
      throw Error("cv_bridge::adopt: only CV_64F and CV_8U matrices are supported");
  }
  auto owner = std::make_shared<cv::Mat>(m);
  return Array::adopt(dtype, {m.rows, m.cols}, owner, owner->data);
}

}  // namespace raserflow::cv_bridge
