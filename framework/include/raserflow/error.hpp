#pragma once
#include <stdexcept>
#include <string>

#include "raserflow/export.hpp"

namespace raserflow {

// The one exception type nodes throw. The runtime adds the node id, item and plugin, so a
// message only needs to say what went wrong ("shape [3] does not match [4]").
class RASERFLOW_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~Error() override;
};

// A parameter value or combination that a node rejects in configure(); reported like a
// validation error, with the parameter named.
class RASERFLOW_API ParamError : public Error {
 public:
  ParamError(std::string param, const std::string& message);
  ~ParamError() override;
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

}  // namespace raserflow
