#pragma once
// CRC-64 of a field's name, type, shape and contents: equal hashes mean equal fields.
#include <boost/crc.hpp>

#include "raserflow/item.hpp"

namespace raserflow::core {

using Crc64 = boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true>;

inline void hash_field(Crc64& crc, const std::string& name, const Field& field) {
  crc.process_bytes(name.data(), name.size() + 1);
  if (const auto* a = std::get_if<Array>(&field)) {
    const auto type = dtype_name(a->dtype());
    crc.process_bytes(type.data(), type.size());
    crc.process_bytes(a->shape().data(), a->shape().size() * sizeof(std::int64_t));
    crc.process_bytes(a->bytes().data(), a->bytes().size());
  } else {
    const auto& text = std::get<std::string>(field);
    crc.process_bytes(text.data(), text.size());
  }
}

}  // namespace raserflow::core
