#include "libs/api/etag.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::api {
namespace {

using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;

TEST(EtagTest, FromRevision) {
  EXPECT_EQ(EtagFromRevision(42), "\"42\"");
  EXPECT_EQ(EtagFromRevision(0), "\"0\"");
}

TEST(CheckEtagTest, EmptyOrEqualPasses) {
  EXPECT_THAT(CheckEtag("", "\"3\""), IsOk());
  EXPECT_THAT(CheckEtag("\"3\"", "\"3\""), IsOk());
  EXPECT_THAT(CheckEtag("3", "\"3\""), IsOk());
}

TEST(CheckEtagTest, MismatchIsAborted) {
  absl::Status status = CheckEtag("\"2\"", "\"3\"");
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kAborted,
                               ::testing::HasSubstr("etag \"2\" đã cũ")));
  EXPECT_EQ(GetErrorInfo(status).reason(), "ETAG_MISMATCH");
  EXPECT_EQ(GetErrorInfo(status).domain(), "hpedu.vn");
}

}  // namespace
}  // namespace hpedu::api
