#pragma once
// The message of the exception `f` throws, or "no error": for tests that check what an error
// says, not only that there is one.
#include <exception>
#include <functional>
#include <string>

namespace raserflow::test {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace raserflow::test
