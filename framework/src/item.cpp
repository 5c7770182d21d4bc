#include "raserflow/item.hpp"

namespace raserflow {

const Field* Item::find(std::string_view name) const {
  auto it = fields_.find(name);
  return it == fields_.end() ? nullptr : &it->second;
}

const Array& Item::array(std::string_view name) const {
  const Field* f = find(name);
  if (!f)
    throw Error("field '" + std::string(name) + "' is missing from item " + std::to_string(index_));
  if (const auto* a = std::get_if<Array>(f)) return *a;
  throw Error("field '" + std::string(name) + "' is text, not an array");
}

const std::string& Item::text(std::string_view name) const {
  const Field* f = find(name);
  if (!f)
    throw Error("field '" + std::string(name) + "' is missing from item " + std::to_string(index_));
  if (const auto* t = std::get_if<std::string>(f)) return *t;
  throw Error("field '" + std::string(name) + "' is an array, not text");
}

void Item::erase(std::string_view name) {
  auto it = fields_.find(name);
  if (it != fields_.end()) fields_.erase(it);
}

}  // namespace raserflow
