#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "raserflow/error.hpp"
#include "raserflow/export.hpp"

namespace raserflow {

class Node;

// Whether a string parameter names a file, and which way it flows. Inputs must exist before a
// run starts (relative to the pipeline file); outputs resolve inside the run's --out folder.
enum class PathKind { none, input, output };

// Everything a user is told about a parameter: `raserflow describe`, the JSON Schema and the
// validator all read this one declaration.
struct ParamInfo {
  std::string_view doc;
  std::string_view unit;
  std::optional<double> min;
  std::optional<double> max;
  std::vector<std::string> choices;
  PathKind path = PathKind::none;
};

struct Required {};
inline constexpr Required required{};

class RASERFLOW_API ParamBase {
 public:
  ParamBase(Node* owner, std::string name, ParamInfo info, bool has_default);
  virtual ~ParamBase();
  ParamBase(const ParamBase&) = delete;
  ParamBase& operator=(const ParamBase&) = delete;

  const std::string& name() const { return name_; }
  const ParamInfo& info() const { return info_; }
  bool has_default() const { return has_default_; }
  bool is_set() const { return set_; }

  // JSON Schema type of the value ("integer", "number", "string", "boolean", "array").
  virtual std::string_view json_type() const = 0;
  // JSON Schema type of list elements, empty for scalars.
  virtual std::string_view item_json_type() const { return {}; }
  virtual nlohmann::json value_json() const = 0;
  // Throws ParamError with a readable reason when `value` has the wrong type or range.
  void assign(const nlohmann::json& value);

 protected:
  virtual void assign_value(const nlohmann::json& value) = 0;
  void check_range(double v) const;
  void check_choice(const std::string& v) const;

 private:
  std::string name_;
  ParamInfo info_;
  bool has_default_;
  bool set_ = false;
};

namespace detail {
template <class T>
struct param_codec;
template <>
struct RASERFLOW_API param_codec<bool> {
  static constexpr std::string_view type = "boolean";
  static bool decode(const nlohmann::json& j);
};
template <>
struct RASERFLOW_API param_codec<std::int64_t> {
  static constexpr std::string_view type = "integer";
  static std::int64_t decode(const nlohmann::json& j);
};
template <>
struct RASERFLOW_API param_codec<int> {
  static constexpr std::string_view type = "integer";
  static int decode(const nlohmann::json& j);
};
template <>
struct RASERFLOW_API param_codec<double> {
  static constexpr std::string_view type = "number";
  static double decode(const nlohmann::json& j);
};
template <>
struct RASERFLOW_API param_codec<std::string> {
  static constexpr std::string_view type = "string";
  static std::string decode(const nlohmann::json& j);
};
template <class E>
struct param_codec<std::vector<E>> {
  static constexpr std::string_view type = "array";
  static constexpr std::string_view item_type = param_codec<E>::type;
  static std::vector<E> decode(const nlohmann::json& j) {
    if (!j.is_array())
      throw Error(std::string("expected a list of ") + std::string(item_type) + "s");
    std::vector<E> out;
    for (const auto& e : j) out.push_back(param_codec<E>::decode(e));
    return out;
  }
};
RASERFLOW_API nlohmann::json encode_number(double v);  // +-inf and nan as YAML spells them
}  // namespace detail

// A node parameter: declared as a member, so its name, default, unit, range and doc live
// next to the value the node reads (`*size`, `size.value()` or implicit conversion).
template <class T>
class Param final : public ParamBase {
 public:
  Param(Node* owner, std::string name, T default_value, ParamInfo info = {})
      : ParamBase(owner, std::move(name), std::move(info), true),
        value_(std::move(default_value)) {}
  Param(Node* owner, std::string name, Required, ParamInfo info = {})
      : ParamBase(owner, std::move(name), std::move(info), false), value_() {}

  const T& value() const { return value_; }
  const T& operator*() const { return value_; }
  const T* operator->() const { return &value_; }
  operator const T&() const { return value_; }  // NOLINT(google-explicit-constructor)

  std::string_view json_type() const override { return detail::param_codec<T>::type; }
  std::string_view item_json_type() const override {
    if constexpr (requires { detail::param_codec<T>::item_type; })
      return detail::param_codec<T>::item_type;
    else
      return {};
  }
  nlohmann::json value_json() const override {
    if constexpr (std::is_same_v<T, double>)
      return detail::encode_number(value_);
    else
      return nlohmann::json(value_);
  }

 protected:
  void assign_value(const nlohmann::json& j) override {
    T v = detail::param_codec<T>::decode(j);
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>)
      check_range(static_cast<double>(v));
    if constexpr (std::is_same_v<T, std::string>) check_choice(v);
    if constexpr (requires { detail::param_codec<T>::item_type; }) {
      for (const auto& e : v) {
        if constexpr (std::is_arithmetic_v<typename T::value_type>)
          check_range(static_cast<double>(e));
        if constexpr (std::is_same_v<typename T::value_type, std::string>) check_choice(e);
      }
    }
    value_ = std::move(v);
  }

 private:
  T value_;
};

}  // namespace raserflow
