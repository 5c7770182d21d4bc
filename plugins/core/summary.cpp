// core.summary: per-field statistics over the whole run, printed when it ends.
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <map>

#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::DType;

struct Stats {
  std::int64_t items = 0;
  std::string type;
  std::string shape;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0;
  std::int64_t count = 0;
};

template <class T>
void accumulate(const Array& a, Stats& st) {
  for (const auto& x : a.template values<T>()) {
    double v;
    if constexpr (requires { x.imag(); })
      v = std::abs(x);
    else
      v = static_cast<double>(x);
    st.min = std::min(st.min, v);
    st.max = std::max(st.max, v);
    st.sum += v;
  }
  st.count += a.size();
}

struct Summary final : raserflow::Node {
  static constexpr auto type = "core.summary";
  static constexpr auto doc =
      "prints each field's dtype, shape and min/mean/max (|z| for complex) over all items at the "
      "end";
  static constexpr auto execution = raserflow::Execution::serial;

  void process(raserflow::Item& s) override {
    for (const auto& [name, value] : s.fields()) {
      auto& st = stats_[name];
      ++st.items;
      if (const auto* a = std::get_if<Array>(&value)) {
        st.type = std::string(raserflow::dtype_name(a->dtype()));
        const auto shape = raserflow::shape_string(a->shape());
        st.shape = st.shape.empty() || st.shape == shape ? shape : "varies";
        raserflow::visit_dtype(a->dtype(), [&](auto zero) { accumulate<decltype(zero)>(*a, st); });
      } else {
        st.type = "text";
      }
    }
  }

  void finish() override {
    std::printf("%-24s %-10s %-16s %8s %12s %12s %12s\n", "field", "dtype", "shape", "items", "min",
                "mean", "max");
    for (const auto& [name, st] : stats_) {
      if (st.count == 0) {
        std::printf("%-24s %-10s %-16s %8lld\n", name.c_str(), st.type.c_str(), st.shape.c_str(),
                    static_cast<long long>(st.items));
        continue;
      }
      std::printf("%-24s %-10s %-16s %8lld %12.5g %12.5g %12.5g\n", name.c_str(), st.type.c_str(),
                  st.shape.c_str(), static_cast<long long>(st.items), st.min,
                  st.sum / static_cast<double>(st.count), st.max);
    }
    std::fflush(stdout);
  }

 private:
  std::map<std::string, Stats> stats_;
};
RASERFLOW_NODE(Summary);

}  // namespace
