#include "raserflow/error.hpp"

namespace raserflow {

Error::~Error() = default;

ParamError::ParamError(std::string param, const std::string& message)
    : Error(message), param_(std::move(param)) {}
ParamError::~ParamError() = default;

}  // namespace raserflow
