#include "backend.hpp"

#include <dlfcn.h>

#include "raserflow/error.hpp"

namespace raserflow::dl {

namespace {

// Where this plugin's file is: the backend sits in dl-backend/ beside it.
std::filesystem::path own_folder() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(&own_folder), &info) == 0 || !info.dli_fname)
    throw Error("the dl plugin cannot tell where its own file is (dladdr failed)");
  return std::filesystem::path(info.dli_fname).parent_path();
}

const Backend* load() {
  const auto path = own_folder() / "dl-backend" / "libraserflow_dl_torch.so";
  // Never closed: objects of the library live until the process ends.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    throw Error("cannot load the LibTorch backend " + path.string() + ": " +
                (why ? why : "unknown reason") + " (Debian: libtorch1.13)");
  }
  auto entry = reinterpret_cast<const Backend* (*)()>(dlsym(handle, "raserflow_dl_backend_v1"));
  if (!entry) throw Error(path.string() + " has no entry point raserflow_dl_backend_v1");
  return entry();
}

}  // namespace

const Backend& backend() {
  static const Backend* b = load();  // a failed load throws and is retried on the next call
  return *b;
}

}  // namespace raserflow::dl
