#include "services/cli/dynamic_client.h"

#include <cstdlib>
#include <memory>

#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"
#include "hpedu/registry/v1/registry_service.pb.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"
#include "services/cli/commands.h"

namespace hpedu::cli {
namespace {

namespace pb = ::google::protobuf;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(KnownServicesTest, IncludesRegistry) {
  std::vector<std::string> names;
  for (const auto* service : KnownServices()) {
    names.push_back(service->full_name());
  }
  EXPECT_THAT(names, Contains("hpedu.registry.v1.RegistryService"));
}

TEST(KnownServicesTest, EveryListedServiceIsCompiledIn) {
  // cli_test links the proto libraries as the hpedu binary does.
  EXPECT_THAT(ServiceFilesNotCompiledIn(), ::testing::IsEmpty());
}

TEST(FindMethodTest, AcceptsEverySpelling) {
  for (const char* spec :
       {"RegistryService.ListUnits",
        "hpedu.registry.v1.RegistryService.ListUnits",
        "hpedu.registry.v1.RegistryService/ListUnits",
        "/hpedu.registry.v1.RegistryService/ListUnits", "ListUnits"}) {
    absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(spec);
    ASSERT_THAT(method, IsOk()) << spec;
    EXPECT_EQ((*method)->full_name(),
              "hpedu.registry.v1.RegistryService.ListUnits");
  }
  EXPECT_THAT(FindMethod("RegistryService.Nope"),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(FindMethod("OtherService.ListUnits"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(FindMessageTest, ByFullOrShortName) {
  ASSERT_NE(FindMessage("hpedu.registry.v1.Unit"), nullptr);
  EXPECT_EQ(FindMessage("Unit"), FindMessage("hpedu.registry.v1.Unit"));
  ASSERT_NE(FindMessage("Date"), nullptr);
  EXPECT_EQ(FindMessage("Date")->full_name(), "google.type.Date");
  EXPECT_EQ(FindMessage("NoSuchMessage"), nullptr);
}

TEST(JsonTest, RoundTripsDynamicMessages) {
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod("ListUnits");
  ASSERT_THAT(method, IsOk());
  DynamicClient client(CreateChannel("localhost:1").value(), absl::Seconds(1));
  absl::StatusOr<std::unique_ptr<pb::Message>> request = client.NewRequest(
      **method,
      R"({"kind":"WARD","asOf":{"year":2026,"month":1,"day":1},"query":"đồ sơn"})");
  ASSERT_THAT(request, IsOk());
  // Same bytes as the generated class would produce.
  hpedu::registry::v1::ListUnitsRequest typed;
  ASSERT_TRUE(typed.ParseFromString((*request)->SerializeAsString()));
  EXPECT_EQ(typed.kind(), hpedu::registry::v1::WARD);
  EXPECT_EQ(typed.as_of().year(), 2026);
  EXPECT_EQ(typed.query(), "đồ sơn");

  const std::string json = MessageToJson(**request, /*pretty=*/false);
  EXPECT_EQ(
      json,
      R"({"kind":"WARD","asOf":{"year":2026,"month":1,"day":1},"query":"đồ sơn"})");
  EXPECT_THAT(MessageToJson(**request, /*pretty=*/true), HasSubstr("\n"));
}

TEST(JsonTest, RejectsUnknownFieldsAndBadJson) {
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod("GetUnit");
  ASSERT_THAT(method, IsOk());
  DynamicClient client(CreateChannel("localhost:1").value(), absl::Seconds(1));
  EXPECT_THAT(client.NewRequest(**method, R"({"nmae":"units/x"})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(client.NewRequest(**method, "{"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(client.NewRequest(**method, "{}"), IsOk());
}

TEST(ServiceKeyTest, TakesThePackageComponent) {
  EXPECT_EQ(ServiceKey("hpedu.registry.v1"), "registry");
  EXPECT_EQ(ServiceKey("hpedu.plans.v1"), "plans");
  EXPECT_EQ(ServiceKey("grpc.health.v1"), "grpc");
}

TEST(ServiceAddressTest, FlagThenEnvThenDefault) {
  unsetenv("HPEDU_REGISTRY_ADDR");
  EXPECT_THAT(ServiceAddress("registry", ""), IsOkAndHolds("localhost:50051"));
  EXPECT_THAT(ServiceAddress("budget", ""), IsOkAndHolds("localhost:50055"));
  setenv("HPEDU_REGISTRY_ADDR", "10.0.0.5:7000", 1);
  EXPECT_THAT(ServiceAddress("registry", ""), IsOkAndHolds("10.0.0.5:7000"));
  EXPECT_THAT(ServiceAddress("registry", "host:1"), IsOkAndHolds("host:1"));
  unsetenv("HPEDU_REGISTRY_ADDR");
  EXPECT_THAT(
      ServiceAddress("unknown", ""),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("HPEDU_UNKNOWN_ADDR")));
}

TEST(CallTest, UnreachableServerIsUnavailable) {
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod("GetUnit");
  ASSERT_THAT(method, IsOk());
  // Port 1 on localhost: nothing listens there.
  DynamicClient client(CreateChannel("127.0.0.1:1").value(), absl::Seconds(2));
  std::unique_ptr<pb::Message> request = client.NewRequest(**method);
  EXPECT_THAT(client.Call(**method, *request),
              StatusIs(absl::StatusCode::kUnavailable));
  hpedu::registry::v1::ListUnitsRequest wrong_type;
  EXPECT_THAT(client.Call(**method, wrong_type),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(FormatErrorTest, ShowsViolationsAndErrorInfo) {
  FieldViolations violations;
  violations.Add("csv_content", "dòng 3, cột kind: không hợp lệ");
  violations.Add("csv_content", "dòng 7, cột parent: không tồn tại");
  const std::string text = FormatError(violations.ToStatus());
  EXPECT_THAT(text, HasSubstr("INVALID_ARGUMENT: "));
  EXPECT_THAT(text,
              HasSubstr("  • csv_content: dòng 3, cột kind: không hợp lệ\n"));
  EXPECT_THAT(
      text, HasSubstr("  • csv_content: dòng 7, cột parent: không tồn tại\n"));
  EXPECT_THAT(text, HasSubstr("lý do (reason): INVALID_ARGUMENT [hpedu.vn]"));

  absl::Status aborted =
      WithErrorInfo(absl::AbortedError("stale"), "ETAG_MISMATCH",
                    {{"current_etag", "\"4\""}});
  EXPECT_THAT(FormatError(aborted),
              HasSubstr("ETAG_MISMATCH [hpedu.vn] current_etag=\"4\""));

  absl::Status unknown = absl::InternalError("x");
  unknown.SetPayload("type.googleapis.com/some.Unknown", absl::Cord("abc"));
  EXPECT_THAT(FormatError(unknown),
              HasSubstr("type.googleapis.com/some.Unknown (3 bytes)"));
}

TEST(CollectionToCamelTest, Capitalises) {
  EXPECT_EQ(CollectionToCamel("units"), "Units");
  EXPECT_EQ(CollectionToCamel("school_years"), "SchoolYears");
  EXPECT_EQ(CollectionToCamel("school-years"), "SchoolYears");
}

}  // namespace
}  // namespace hpedu::cli
