#include "raserflow/param.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "raserflow/node.hpp"

namespace raserflow {

ParamBase::ParamBase(Node* owner, std::string name, ParamInfo info, bool has_default)
    : name_(std::move(name)), info_(std::move(info)), has_default_(has_default) {
  owner->params_.push_back(this);
}

ParamBase::~ParamBase() = default;

void ParamBase::assign(const nlohmann::json& value) {
  assign_value(value);
  set_ = true;
}

namespace {
std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
std::string kind_of(const nlohmann::json& j) {
  if (j.is_null()) return "nothing";
  if (j.is_boolean()) return "a boolean";
  if (j.is_number_integer() || j.is_number_unsigned()) return "an integer";
  if (j.is_number()) return "a number";
  if (j.is_string()) return "the text '" + j.get<std::string>() + "'";
  if (j.is_array()) return "a list";
  return "a map";
}
}  // namespace

void ParamBase::check_range(double v) const {
  if (std::isnan(v)) return;
  if ((info_.min && v < *info_.min) || (info_.max && v > *info_.max)) {
    std::string range = "[" + (info_.min ? number_text(*info_.min) : std::string("-inf")) + ", " +
                        (info_.max ? number_text(*info_.max) : std::string("inf")) + "]";
    throw Error("value " + number_text(v) + " is out of range " + range);
  }
}

void ParamBase::check_choice(const std::string& v) const {
  if (info_.choices.empty()) return;
  for (const auto& c : info_.choices)
    if (c == v) return;
  std::string list;
  for (const auto& c : info_.choices) list += (list.empty() ? "" : ", ") + c;
  throw Error("'" + v + "' is not one of: " + list);
}

namespace detail {

bool param_codec<bool>::decode(const nlohmann::json& j) {
  if (!j.is_boolean()) throw Error("expected true or false, got " + kind_of(j));
  return j.get<bool>();
}

std::int64_t param_codec<std::int64_t>::decode(const nlohmann::json& j) {
  if (j.is_number_integer() || j.is_number_unsigned()) return j.get<std::int64_t>();
  throw Error("expected an integer, got " + kind_of(j));
}

int param_codec<int>::decode(const nlohmann::json& j) {
  auto v = param_codec<std::int64_t>::decode(j);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    throw Error("integer " + std::to_string(v) + " is too large");
  return static_cast<int>(v);
}

double param_codec<double>::decode(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  throw Error("expected a number, got " + kind_of(j));
}

std::string param_codec<std::string>::decode(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  throw Error("expected text, got " + kind_of(j));
}

nlohmann::json encode_number(double v) {
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  if (std::isnan(v)) return ".nan";
  return v;
}

}  // namespace detail
}  // namespace raserflow
