// Output path patterns: placeholders filled, typos rejected before the run.
#include <gtest/gtest.h>

#include "item_path.hpp"
#include "raserflow/error.hpp"

namespace io = raserflow::io;

TEST(ItemPath, ItemIsZeroPaddedSoFilesSortInItemOrder) {
  EXPECT_EQ(io::fill_pattern("png/item_{item}.png", 12), "png/item_000012.png");
  EXPECT_EQ(io::fill_pattern("x{item}", 1234567), "x1234567");
  EXPECT_LT(io::fill_pattern("{item}", 9), io::fill_pattern("{item}", 10));
}

TEST(ItemPath, FieldAndItemBothFilled) {
  EXPECT_EQ(io::fill_pattern("/out/plots/{field}_{item}.png", 3, "signals"),
            "/out/plots/signals_000003.png");
  EXPECT_EQ(io::fill_pattern("fixed.png", 3, "signals"), "fixed.png");
}

TEST(ItemPath, UnknownPlaceholderIsAParameterError) {
  try {
    io::check_pattern("path", "png/{itme}.png", {"item"});
    FAIL() << "expected ParamError";
  } catch (const raserflow::ParamError& e) {
    EXPECT_EQ(e.param(), "path");
    EXPECT_NE(std::string(e.what()).find("{itme}"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("{item}"), std::string::npos) << e.what();
  }
  EXPECT_THROW(io::check_pattern("path", "{field}_{item}.png", {"item"}), raserflow::ParamError);
}

TEST(ItemPath, UnbalancedBracesAreParameterErrors) {
  EXPECT_THROW(io::check_pattern("path", "png/{item.png", {"item"}), raserflow::ParamError);
  EXPECT_THROW(io::check_pattern("path", "png/item}.png", {"item"}), raserflow::ParamError);
  EXPECT_NO_THROW(io::check_pattern("path", "{field}/{item}.png", {"item", "field"}));
  EXPECT_NO_THROW(io::check_pattern("path", "plain.png", {"item"}));
}

TEST(ItemPath, HasPlaceholder) {
  EXPECT_TRUE(io::has_placeholder("a_{item}.png", "item"));
  EXPECT_FALSE(io::has_placeholder("a_item.png", "item"));
}
