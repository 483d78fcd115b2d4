// The dashboard in a real browser: the services with the demo data and the
// gateway serving the built dashboard, then web/tests/dashboard.test.mjs
// (playwright-core driving Debian's /usr/bin/chromium, headless) signs in,
// opens the overview, drills down to a commune and a school, and checks the
// numbers on screen against the gRPC API's, read here. Screenshots are saved
// in the build tree (services/gateway/browser_test_artifacts/).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/gateway/v1/gateway_service.grpc.pb.h"
#include "libs/testing/identity.h"
#include "nlohmann/json.hpp"
#include "services/gateway/gateway_definition.h"
#include "services/gateway/testing/backend_suite.h"

namespace hpedu::gateway {
namespace {

using ::hpedu::testing::TestIdentity;

constexpr char kCommune[] = "phuong-do-son";

nlohmann::json Figures(const v1::Overview& overview) {
  nlohmann::json figures = nlohmann::json::object();
  for (const v1::IndicatorLine& line : overview.indicators().indicators()) {
    figures[line.indicator()] = line.figure().value();
  }
  return figures;
}

// The staffing table's rows as the API gives them.
nlohmann::json Staffing(const v1::Overview& overview) {
  nlohmann::json lines = nlohmann::json::array();
  for (const v1::StaffingLine& line : overview.staffing().lines()) {
    lines.push_back({{"level", line.level()},
                     {"required", line.required()},
                     {"actual", line.actual()},
                     {"shortage", line.shortage()},
                     {"surplus", line.surplus()}});
  }
  return lines;
}

nlohmann::json Budget(const v1::Overview& overview) {
  nlohmann::json shares = nlohmann::json::array();
  for (const v1::BudgetShare& share : overview.budget().shares()) {
    shares.push_back({{"rule", share.rule()},
                      {"sharePercent", share.share_percent()},
                      {"thresholdPercent", share.threshold_percent()}});
  }
  return shares;
}

// The chasing list's lagging projects as the table shows them.
nlohmann::json LaggingProjects(const v1::ChasingView& view) {
  nlohmann::json items = nlohmann::json::array();
  for (const v1::ChasingItem& item : view.budget().items()) {
    items.push_back({{"content", item.content()},
                     {"lead", item.lead().display_name()},
                     {"commune", item.commune().display_name()}});
  }
  return items;
}

TEST(DashboardBrowserTest, SignInOverviewDrillDownNumbersEqualGrpc) {
  const std::string web_build = HPEDU_GATEWAY_WEB_BUILD_DIR;
  ASSERT_TRUE(std::filesystem::exists(web_build + "/dist/index.html"))
      << "dashboard not built (target gateway_web)";
  ASSERT_TRUE(std::filesystem::exists("/usr/bin/chromium"))
      << "Debian's chromium is needed (deploy/local/deps.sh installs it)";

  testing::BackendSuite& suite = testing::BackendSuite::Shared();
  GatewayConfig config;
  config.server = hpedu::testing::TestServerConfig("gateway", "");
  config.server.peer_addresses = suite.addresses();
  config.http_listen = "127.0.0.1:0";
  config.web_dir = web_build + "/dist";
  auto gateway = Gateway::Start(config);
  ASSERT_TRUE(gateway.ok()) << gateway.status();

  // The figures, from the gRPC API, as the same person.
  const std::string token = TestIdentity::Token(auth::Role::kLeadership);
  auto stub = v1::GatewayService::NewStub(TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", (*gateway)->grpc_port()), token));
  v1::GetCityOverviewRequest city_request;
  city_request.set_period(testing::kPeriod);
  city_request.set_due_within_days(14);
  v1::Overview city;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetCityOverview(&context, city_request, &city).ok());
  }
  v1::GetCommuneProfileRequest commune_request;
  commune_request.set_commune(absl::StrCat("units/", kCommune));
  commune_request.set_period(testing::kPeriod);
  commune_request.set_due_within_days(14);
  v1::Overview commune;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetCommuneProfile(&context, commune_request, &commune).ok());
  }
  // The chasing list as the dashboard asks for it (today, 14 days).
  v1::GetChasingListRequest chasing_request;
  chasing_request.set_due_within_days(14);
  v1::ChasingView chasing;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub->GetChasingList(&context, chasing_request, &chasing).ok());
  }
  ASSERT_TRUE(chasing.budget().status().available())
      << chasing.budget().status().reason();
  ASSERT_TRUE(city.indicators().status().available());
  ASSERT_TRUE(commune.indicators().status().available());
  ASSERT_TRUE(city.staffing().status().available());
  ASSERT_TRUE(commune.staffing().status().available());
  ASSERT_TRUE(city.budget().status().available());
  ASSERT_TRUE(commune.budget().status().available());

  const std::string artifacts =
      std::filesystem::current_path().string() + "/browser_test_artifacts";
  std::filesystem::create_directories(artifacts);
  nlohmann::json expected = {
      {"city",
       {{"indicators", Figures(city)},
        {"overdue", city.plans().overdue()},
        {"dueSoon", city.plans().due_soon()},
        {"communes", city.indicators().children_size()},
        {"staffing", Staffing(city)},
        {"budget", Budget(city)}}},
      {"commune",
       {{"id", kCommune},
        {"displayName", commune.unit().display_name()},
        {"indicators", Figures(commune)},
        {"staffing", Staffing(commune)},
        {"budget", Budget(commune)}}},
      {"chasing",
       {{"lagging", chasing.budget().lagging()},
        {"budget", LaggingProjects(chasing)}}}};
  const std::string expected_path = artifacts + "/expected.json";
  std::ofstream(expected_path) << expected.dump(2);

  const std::string command = absl::StrCat(
      "cd '", web_build, "' && HPEDU_DASHBOARD_URL='http://127.0.0.1:",
      (*gateway)->http_port(), "/' HPEDU_TOKEN='", token,
      "' HPEDU_EXPECTED='", expected_path, "' HPEDU_SCREENSHOT_DIR='",
      artifacts, "' node tests/dashboard.test.mjs > '", artifacts,
      "/browser.log' 2>&1");
  const int status = std::system(command.c_str());
  std::ifstream log(artifacts + "/browser.log");
  const std::string output((std::istreambuf_iterator<char>(log)),
                           std::istreambuf_iterator<char>());
  EXPECT_EQ(status, 0) << output;
  std::printf("%s", output.c_str());
  EXPECT_TRUE(std::filesystem::exists(artifacts + "/dashboard-city.png"));
  (*gateway)->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace hpedu::gateway
