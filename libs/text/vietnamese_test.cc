#include "libs/text/vietnamese.h"

#include <algorithm>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hpedu::text {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

TEST(IsValidUtf8Test, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("ascii"));
  EXPECT_TRUE(IsValidUtf8("Phường Đồ Sơn"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600.
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF.
}

TEST(IsValidUtf8Test, RejectsIllFormed) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // Overlong '/'.
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // Overlong.
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // Surrogate D800.
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // Above U+10FFFF.
  EXPECT_FALSE(IsValidUtf8("ab\xC3"));            // Truncated.
  EXPECT_FALSE(IsValidUtf8("\x80"));              // Lone continuation.
}

TEST(ToValidUtf8Test, ReplacesIllFormedBytes) {
  EXPECT_EQ(ToValidUtf8("Đồ Sơn"), "Đồ Sơn");
  EXPECT_EQ(ToValidUtf8("a\xFF"
                        "b\xC3"),
            "a\uFFFD"
            "b\uFFFD");
  EXPECT_TRUE(IsValidUtf8(ToValidUtf8("\xED\xA0\x80\xF4\x90")));
}

TEST(FindInvalidUtf8Test, ReportsOffset) {
  EXPECT_EQ(FindInvalidUtf8("Đồ Sơn"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("Đồ\xFF"), 5u);
}

TEST(NormalizeNfcTest, ComposesAndCollapsesWhiteSpace) {
  // "Đồ" typed with combining marks: o + U+0302 (circumflex) + U+0300 (grave).
  const std::string decomposed = "\xC4\x90o\xCC\x82\xCC\x80 S\xC6\xA1n";
  EXPECT_EQ(NormalizeNfc(decomposed), "Đồ Sơn");
  EXPECT_EQ(NormalizeNfc("  Phường \t Đồ\u00A0\u00A0Sơn \n"), "Phường Đồ Sơn");
  EXPECT_EQ(NormalizeNfc(""), "");
  EXPECT_EQ(NormalizeNfc(" \t "), "");
}

TEST(FoldForSearchTest, DropsMarksAndCase) {
  EXPECT_EQ(FoldForSearch("Phường  Đồ Sơn"), "phuong do son");
  EXPECT_EQ(FoldForSearch("  TRƯỜNG THPT Ngô Quyền "), "truong thpt ngo quyen");
  EXPECT_EQ(FoldForSearch("đặc khu Bạch Long Vĩ"), "dac khu bach long vi");
  EXPECT_EQ(FoldForSearch("Ăn Â Ê Ô Ơ Ư"), "an a e o o u");
  EXPECT_EQ(FoldForSearch(""), "");
}

TEST(FoldForSearchTest, PrecomposedAndDecomposedFoldAlike) {
  EXPECT_EQ(FoldForSearch("\xC4\x90o\xCC\x82\xCC\x80"), FoldForSearch("Đồ"));
}

TEST(DisplayWidthTest, CountsColumns) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("Đồ Sơn"), 6u);
  EXPECT_EQ(DisplayWidth("\xC4\x90o\xCC\x82\xCC\x80 S\xC6\xA1n"), 6u);
  EXPECT_EQ(DisplayWidth("漢字"), 4u);
  EXPECT_EQ(DisplayWidth("a\xFF"), 2u);
}

TEST(VietnameseCollatorTest, OrdersDistrictNames) {
  const VietnameseCollator& collator = VietnameseCollator::Get();
  EXPECT_TRUE(collator.Less("Dương Kinh", "Đồ Sơn"));
  EXPECT_TRUE(collator.Less("Đồ Sơn", "Gia Viên"));
  // Tone marks are secondary: "ai" < "an" decides before the acute does.
  EXPECT_TRUE(collator.Less("Ái Quốc", "An Biên"));
  EXPECT_EQ(collator.Compare("Hải Phòng", "Hải Phòng"), 0);
  EXPECT_GT(collator.Compare("Gia Viên", "Đồ Sơn"), 0);
}

TEST(VietnameseCollatorTest, FollowsTheAlphabet) {
  const std::vector<std::string> alphabet = {
      "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m",
      "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y"};
  std::vector<std::string> shuffled = alphabet;
  std::mt19937 rng(42);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const VietnameseCollator& collator = VietnameseCollator::Get();
  std::sort(shuffled.begin(), shuffled.end(),
            [&](const std::string& a, const std::string& b) {
              return collator.Less(a, b);
            });
  EXPECT_THAT(shuffled, ElementsAreArray(alphabet));
}

TEST(VietnameseCollatorTest, LettersArePrimaryTonesSecondary) {
  const VietnameseCollator& collator = VietnameseCollator::Get();
  // ă is a letter after a, so the whole word "Anh" comes before "Ăn".
  EXPECT_TRUE(collator.Less("Anh", "Ăn"));
  EXPECT_TRUE(collator.Less("Ăn", "Ân"));
  // Tones in ICU's order: none, huyền, hỏi, ngã, sắc, nặng.
  std::vector<std::string> tones = {"ạ", "á", "a", "ã", "ả", "à"};
  std::sort(tones.begin(), tones.end(),
            [&](const std::string& a, const std::string& b) {
              return collator.Less(a, b);
            });
  EXPECT_THAT(tones, ElementsAre("a", "à", "ả", "ã", "á", "ạ"));
}

TEST(VietnameseCollatorTest, SortKeyOrderMatchesCompare) {
  const VietnameseCollator& collator = VietnameseCollator::Get();
  const std::vector<std::string> names = {"An Biên",    "Ái Quốc",  "Đồ Sơn",
                                          "Dương Kinh", "Gia Viên", ""};
  for (const std::string& a : names) {
    for (const std::string& b : names) {
      const int by_key = collator.SortKey(a).compare(collator.SortKey(b));
      const int by_compare = collator.Compare(a, b);
      EXPECT_EQ(by_key < 0, by_compare < 0) << a << " vs " << b;
      EXPECT_EQ(by_key == 0, by_compare == 0) << a << " vs " << b;
    }
  }
}

TEST(VietnameseCollatorTest, UsableFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      const VietnameseCollator& collator = VietnameseCollator::Get();
      for (int i = 0; i < 500; ++i) {
        if (!collator.Less("Dương Kinh", "Đồ Sơn")) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(failures, ElementsAre(0, 0, 0, 0));
}

}  // namespace
}  // namespace hpedu::text
