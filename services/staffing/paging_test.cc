#include "services/staffing/paging.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/api/page_token.h"

namespace hpedu::staffing {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> KeyOf(const int& n) { return {NumberKey(n)}; }

TEST(NumberKeyTest, SortsAsTheNumber) {
  EXPECT_LT(NumberKey(9), NumberKey(10));
  EXPECT_LT(NumberKey(0), NumberKey(123456789012));
}

TEST(PageOfTest, WalksEveryItemOnceInKeyOrder) {
  PageRequest page;
  page.page_size = 2;
  page.fingerprint = 42;
  auto [first, token] = PageOf(std::vector<int>{5, 1, 4, 2, 3}, &KeyOf, page);
  EXPECT_THAT(first, ElementsAre(1, 2));
  ASSERT_FALSE(token.empty());
  absl::StatusOr<api::PageCursor> cursor = api::DecodePageToken(token, 42);
  ASSERT_TRUE(cursor.ok());
  page.after = *cursor;
  auto [second, token2] = PageOf(std::vector<int>{5, 1, 4, 2, 3}, &KeyOf, page);
  EXPECT_THAT(second, ElementsAre(3, 4));
  page.after = *api::DecodePageToken(token2, 42);
  auto [last, token3] = PageOf(std::vector<int>{5, 1, 4, 2, 3}, &KeyOf, page);
  EXPECT_THAT(last, ElementsAre(5));
  EXPECT_TRUE(token3.empty());
}

TEST(PageOfTest, StaysRightWhenTheItemAfterTheCursorIsDeleted) {
  PageRequest page;
  page.page_size = 2;
  page.after = api::PageCursor{{NumberKey(2)}};
  auto [items, token] = PageOf(std::vector<int>{1, 2, 4, 5}, &KeyOf, page);
  EXPECT_THAT(items, ElementsAre(4, 5));
  EXPECT_TRUE(token.empty());
}

TEST(PageOfTest, ATokenIsBoundToItsQuery) {
  PageRequest page;
  page.page_size = 1;
  page.fingerprint = 1;
  auto [items, token] = PageOf(std::vector<int>{1, 2}, &KeyOf, page);
  EXPECT_FALSE(api::DecodePageToken(token, 2).ok());
}

}  // namespace
}  // namespace hpedu::staffing
