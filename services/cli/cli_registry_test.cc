// The hpedu command against a live registry (in-process, real PostgreSQL,
// full demo data): what a person or a script sees.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/log.h"
#include "libs/server/service_host.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "libs/text/vietnamese.h"
#include "nlohmann/json.hpp"
#include "services/cli/commands.h"
#include "services/registry/demo/demo_units.h"
#include "services/registry/registry_definition.h"
#include "services/registry/unit_import.h"

namespace hpedu::cli {
namespace {

using ::testing::HasSubstr;

class CliRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server::SetLogSinkForTesting(+[](std::string_view) {});
    auto& pg = hpedu::testing::SharedPostgresServer();
    std::string database = pg.CreateDatabase().value();
    host_ = server::ServiceHost::Start(
                hpedu::testing::TestServerConfig(
                    "registry",
                    pg.ProvisionService(database, "registry").value()),
                registry::Definition())
                .value()
                .release();
    address_ = new std::string(absl::StrCat("127.0.0.1:", host_->port()));
  }

  static void TearDownTestSuite() {
    host_->Shutdown(absl::Seconds(1));
    delete host_;
    delete address_;
    server::SetLogSinkForTesting(nullptr);
  }

  Invocation Make(std::vector<std::string> args) {
    Invocation invocation;
    invocation.args = std::move(args);
    invocation.addr = *address_;
    invocation.token =
        hpedu::testing::TestIdentity::Token(auth::Role::kLeadership);
    return invocation;
  }

  static std::string WriteFile(const std::string& content) {
    std::string path = ::testing::TempDir() + "/cli_registry_test.csv";
    FILE* file = std::fopen(path.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), file);
    std::fclose(file);
    return path;
  }

  static server::ServiceHost* host_;
  static std::string* address_;
};

server::ServiceHost* CliRegistryTest::host_ = nullptr;
std::string* CliRegistryTest::address_ = nullptr;

TEST_F(CliRegistryTest, ImportsTheDemoAndListsThe114UnitsInVietnameseOrder) {
  std::vector<registry::v1::Unit> units =
      registry::demo::DemoUnits(registry::demo::EmbeddedCommunesCsv()).value();
  std::string path = WriteFile(registry::FormatUnitsCsv(units));

  Invocation dry_run = Make({"units", path});
  dry_run.dry_run = true;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunImport(dry_run), kExitOk);
  EXPECT_THAT(::testing::internal::GetCapturedStdout(),
              HasSubstr(absl::StrCat(units.size())));

  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunImport(Make({"units", path})), kExitOk);
  ::testing::internal::GetCapturedStdout();

  std::vector<std::string> names;
  for (const char* kind : {"WARD", "COMMUNE", "SPECIAL_ZONE"}) {
    Invocation list = Make({"units"});
    list.json = true;
    list.field_flags = {{"kind", kind}};
    ::testing::internal::CaptureStdout();
    ASSERT_EQ(RunList(list), kExitOk);
    std::string out = ::testing::internal::GetCapturedStdout();
    std::vector<std::string> display_names;
    for (absl::string_view line : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
      display_names.push_back(
          nlohmann::json::parse(line).at("displayName").get<std::string>());
    }
    EXPECT_TRUE(std::is_sorted(
        display_names.begin(), display_names.end(),
        [](const std::string& a, const std::string& b) {
          return text::VietnameseCollator::Get().Less(a, b);
        }))
        << kind;
    names.insert(names.end(), display_names.begin(), display_names.end());
  }
  EXPECT_EQ(names.size(), 114u);
  EXPECT_THAT(names, ::testing::Contains("Phường Đồ Sơn"));
  EXPECT_THAT(names, ::testing::Contains("Đặc khu Bạch Long Vĩ"));
}

TEST_F(CliRegistryTest, TableIsAlignedAndVietnamese) {
  Invocation list = Make({"units"});
  list.field_flags = {{"query", "do son"}, {"kind", "WARD"}};
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  ASSERT_EQ(RunList(list), kExitOk);
  std::string out = ::testing::internal::GetCapturedStdout();
  ::testing::internal::GetCapturedStderr();
  std::vector<std::string> lines = absl::StrSplit(out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u) << out;  // header, rule, Đồ Sơn, Nam Đồ Sơn
  EXPECT_THAT(lines[2], HasSubstr("Phường Đồ Sơn"));
  EXPECT_THAT(lines[3], HasSubstr("Phường Nam Đồ Sơn"));
  EXPECT_EQ(text::DisplayWidth(lines[2]), text::DisplayWidth(lines[3]));
}

TEST_F(CliRegistryTest, BadFileIsRejectedWithLineNumbers) {
  std::string path = WriteFile(
      "id,kind,display_name,parent,valid_from,predecessors,levels,ownership,"
      "agency_role,short_name,generated\n"
      "xa-moi,COMMUNE,Xã Mới,units/hai-phong,2026-01-01,,,,,,false\n"
      "xa-sai,NOT_A_KIND,Xã Sai,units/hai-phong,2026-01-01,,,,,,false\n");
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunImport(Make({"units", path})), kExitFailed);
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(err, HasSubstr("dòng 3"));

  // All or nothing: the good line was not written either.
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(RunCall(Make({"RegistryService.GetUnit",
                          R"({"name": "units/xa-moi"})"})),
            kExitFailed);
  ::testing::internal::GetCapturedStdout();
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("NOT_FOUND"));
}

TEST_F(CliRegistryTest, HealthSaysServing) {
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(RunHealth(Make({})), kExitOk);
  EXPECT_THAT(::testing::internal::GetCapturedStdout(), HasSubstr("SERVING"));
}

}  // namespace
}  // namespace hpedu::cli
