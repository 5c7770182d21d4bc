// metrics.profiles: row-by-row agreement of two sets of profiles, e.g. the uncorrected RASER
// projections against the true ones.
#include "profile_metrics.hpp"
#include "raserflow/raserflow.hpp"

namespace {

using raserflow::Array;
using raserflow::Param;
namespace m = raserflow::metrics;

struct ProfileMetrics final : raserflow::Node {
  static constexpr auto type = "metrics.profiles";
  static constexpr auto doc =
      "Pearson correlation and mean squared difference of each row of a test field against the "
      "same row of a reference field ([P x M] each), and their means over the rows; a constant "
      "row correlates 0";

  Param<std::string> reference{
      this, "reference", "targets", {.doc = "field holding the reference profiles [P x M]"}};
  Param<std::string> test{
      this, "test", "raser_projections", {.doc = "field holding the profiles to score [P x M]"}};
  raserflow::Writes<double, 1> correlation{
      this, "profile_correlation", {.doc = "[P] Pearson correlation of each row"}};
  raserflow::Writes<double, 1> mse{
      this, "profile_mse", {.doc = "[P] mean squared difference of each row"}};
  raserflow::Writes<double, 0> mean_correlation{
      this, "mean_profile_correlation", {.doc = "mean of profile_correlation over the rows"}};

  void configure() override {
    if (*reference == *test)
      throw raserflow::ParamError("test", "names the same field as reference ('" + *test + "')");
    for (const auto* p : {&reference, &test})
      read_field({.declared = **p,
                  .dtype = raserflow::DType::float64,
                  .rank = 2,
                  .doc = "[P x M] profiles, one per row",
                  .param = p->name()});
  }

  void process(raserflow::Item& s) override {
    const Array& ref = s.array(reads()[0].actual);
    const Array& tst = s.array(reads()[1].actual);
    if (ref.shape() != tst.shape())
      throw raserflow::Error("reference '" + reads()[0].actual + "' is " +
                             raserflow::shape_string(ref.shape()) + " but test '" +
                             reads()[1].actual + "' is " + raserflow::shape_string(tst.shape()));
    const std::int64_t rows = ref.dim(0);
    const auto cols = static_cast<std::size_t>(ref.dim(1));
    auto r = Array::zeros<double>({rows}), e = Array::zeros<double>({rows});
    auto rv = r.mutable_values<double>(), ev = e.mutable_values<double>();
    double sum = 0;
    for (std::int64_t j = 0; j < rows; ++j) {
      const auto a = ref.values<double>().subspan(static_cast<std::size_t>(j) * cols, cols);
      const auto b = tst.values<double>().subspan(static_cast<std::size_t>(j) * cols, cols);
      rv[static_cast<std::size_t>(j)] = m::pearson(a, b);
      ev[static_cast<std::size_t>(j)] = m::mean_squared_difference(a, b);
      sum += rv[static_cast<std::size_t>(j)];
    }
    correlation.put(s, std::move(r));
    mse.put(s, std::move(e));
    mean_correlation.put(s, Array::scalar(rows > 0 ? sum / static_cast<double>(rows) : 0.0));
  }
};
RASERFLOW_NODE(ProfileMetrics);

}  // namespace
