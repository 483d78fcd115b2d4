#include "services/gateway/http_json.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "hpedu/gateway/v1/gateway_service.pb.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"
#include "nlohmann/json.hpp"

namespace hpedu::gateway {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::testing::HasSubstr;

const google::protobuf::ServiceDescriptor& Service() {
  return *v1::GetCityOverviewRequest::descriptor()->file()->FindServiceByName(
      "GatewayService");
}

const google::protobuf::MethodDescriptor& Method(const std::string& name) {
  return *Service().FindMethodByName(name);
}

TEST(HttpJsonTest, CanonicalJsonRoundTrip) {
  v1::GetCityOverviewRequest request;
  request.set_period("2025-2026");
  request.mutable_as_of()->set_year(2026);
  request.mutable_as_of()->set_month(1);
  request.mutable_as_of()->set_day(5);
  request.set_due_within_days(14);
  request.add_documents("documents/d-71-nq-tw");
  const std::string json = MessageToJson(request);
  EXPECT_THAT(json, HasSubstr("\"dueWithinDays\":14"));
  auto parsed = RequestFromJson(Method("GetCityOverview"), json);
  ASSERT_OK(parsed.status());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(**parsed, request));
  // Proto field names are accepted too, and an empty body is an empty request.
  ASSERT_OK(RequestFromJson(Method("GetCityOverview"),
                            R"({"due_within_days": 3, "period": "x"})")
                .status());
  auto empty = RequestFromJson(Method("GetCityOverview"), "  ");
  ASSERT_OK(empty.status());
  EXPECT_EQ((*empty)->ByteSizeLong(), 0u);
}

TEST(HttpJsonTest, BadJsonNamesTheField) {
  const auto& method = Method("GetCityOverview");
  EXPECT_THAT(RequestFromJson(method, R"({"dueWithinDays": "soon"})"),
              HasFieldViolation("dueWithinDays"));
  EXPECT_THAT(RequestFromJson(method, R"({"dueWithinDays": 1.5})"),
              HasFieldViolation("dueWithinDays"));
  EXPECT_THAT(RequestFromJson(method, R"({"asOf": {"year": "two"}})"),
              HasFieldViolation("asOf.year"));
  EXPECT_THAT(RequestFromJson(method, R"({"documents": "documents/x"})"),
              HasFieldViolation("documents"));
  EXPECT_THAT(RequestFromJson(method, R"({"documents": ["a", 3]})"),
              HasFieldViolation("documents[1]"));
  EXPECT_THAT(RequestFromJson(method, R"({"period": true})"),
              HasFieldViolation("period"));
  EXPECT_THAT(RequestFromJson(method, R"([1, 2])"), HasFieldViolation("(body)"));
  EXPECT_THAT(RequestFromJson(method, R"({"period": )"), HasFieldViolation("(body)"));
  EXPECT_THAT(RequestFromJson(Method("RankCommunes"), R"({"indicatr": "x"})"),
              HasFieldViolation("indicatr"));
}

TEST(HttpJsonTest, QueryParametersByPathAndType) {
  std::multimap<std::string, std::string> params = {
      {"period", "2025-2026"},   {"asOf.year", "2026"}, {"as_of.month", "1"},
      {"dueWithinDays", "7"},    {"documents", "documents/a"},
      {"documents", "documents/b"}};
  auto parsed = RequestFromQuery(Method("GetCityOverview"), params);
  ASSERT_OK(parsed.status());
  const auto& request = static_cast<const v1::GetCityOverviewRequest&>(**parsed);
  EXPECT_EQ(request.as_of().year(), 2026);
  EXPECT_EQ(request.as_of().month(), 1);
  EXPECT_EQ(request.due_within_days(), 7);
  EXPECT_EQ(request.documents_size(), 2);
  EXPECT_THAT(RequestFromQuery(Method("GetCityOverview"), {{"asOf.yr", "1"}}),
              HasFieldViolation("asOf.yr"));
  EXPECT_THAT(RequestFromQuery(Method("GetCityOverview"), {{"dueWithinDays", "x"}}),
              HasFieldViolation("dueWithinDays"));
}

TEST(HttpJsonTest, ErrorsAsGoogleRpcStatusJson) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDeadlineExceeded), 504);
  const nlohmann::json error = nlohmann::json::parse(
      ErrorJson(InvalidField("period", "bắt buộc")));
  EXPECT_EQ(error["error"]["code"], 400);
  EXPECT_EQ(error["error"]["status"], "INVALID_ARGUMENT");
  EXPECT_EQ(error["error"]["details"][0]["@type"],
            "type.googleapis.com/google.rpc.BadRequest");
  EXPECT_EQ(error["error"]["details"][0]["fieldViolations"][0]["description"],
            "bắt buộc");
}

TEST(HttpJsonTest, ServicesArePrefixedByTheirFullName) {
  EXPECT_EQ(RoutePrefix(Service()), "/api/hpedu.gateway.v1.GatewayService/");
}

TEST(HttpJsonTest, OpenApiDocumentIsGeneratedFromTheProtos) {
  const nlohmann::json document = nlohmann::json::parse(
      OpenApiDocument({HttpRoute{&Service(), nullptr, "/api/v1/"}}));
  EXPECT_EQ(document["paths"].size(),
            static_cast<size_t>(Service().method_count()));
  const auto& schemas = document["components"]["schemas"];
  // Nested messages of other packages are described too.
  EXPECT_TRUE(schemas.contains("hpedu.indicators.v1.Figure"));
  EXPECT_EQ(schemas["hpedu.indicators.v1.Figure"]["properties"]["numerator"]["format"],
            "int64");
  EXPECT_EQ(schemas["hpedu.gateway.v1.SectionStatus"]["properties"]["age"]["type"],
            "string");
  EXPECT_EQ(document["paths"]["/api/v1/RankCommunes"]["post"]["requestBody"]
                    ["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/hpedu.gateway.v1.RankCommunesRequest");
}

}  // namespace
}  // namespace hpedu::gateway
