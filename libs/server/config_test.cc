#include "libs/server/config.h"

#include <cstdlib>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"

namespace hpedu::server {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;

absl::StatusOr<ServerConfig> Load(std::vector<std::string> args) {
  std::vector<char*> argv = {const_cast<char*>("hpedu_registry")};
  for (std::string& arg : args) argv.push_back(arg.data());
  return LoadServerConfig("registry", static_cast<int>(argv.size()),
                          argv.data());
}

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"HPEDU_DB", "HPEDU_REGISTRY_DB", "HPEDU_LISTEN",
                             "HPEDU_REGISTRY_LISTEN", "HPEDU_WORKERS"}) {
      unsetenv(name);
    }
  }
};

TEST_F(ConfigTest, FlagsOverrideDefaults) {
  absl::StatusOr<ServerConfig> config =
      Load({"--db=host=x", "--listen=0.0.0.0:50051", "--workers=3",
            "--default_deadline=2s", "--log_requests=false"});
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->service, "registry");
  EXPECT_EQ(config->db, "host=x");
  EXPECT_EQ(config->listen_address, "0.0.0.0:50051");
  EXPECT_EQ(config->workers, 3);
  EXPECT_EQ(config->default_deadline, absl::Seconds(2));
  EXPECT_FALSE(config->log_requests);
  EXPECT_EQ(config->db_pool_size, 8);  // default kept
}

TEST_F(ConfigTest, ServiceEnvironmentBeatsGenericAndFlagBeatsBoth) {
  setenv("HPEDU_DB", "host=generic", 1);
  setenv("HPEDU_REGISTRY_DB", "host=specific", 1);
  setenv("HPEDU_WORKERS", "5", 1);
  absl::StatusOr<ServerConfig> config = Load({});
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->db, "host=specific");
  EXPECT_EQ(config->workers, 5);

  config = Load({"--db=host=flag"});
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->db, "host=flag");
}

TEST_F(ConfigTest, ReportsEveryBadFlag) {
  absl::StatusOr<ServerConfig> config =
      Load({"--db=x", "--workers=0", "--nonsense=1", "--default_deadline=soon",
            "positional"});
  EXPECT_THAT(config, HasFieldViolation("--workers"));
  EXPECT_THAT(config, HasFieldViolation("--nonsense"));
  EXPECT_THAT(config, HasFieldViolation("--default_deadline"));
  EXPECT_THAT(config, HasFieldViolation("positional"));
}

TEST_F(ConfigTest, PeerAddressesFromFlagsAndEnvironment) {
  setenv("HPEDU_REGISTRY_ADDR", "127.0.0.1:50051", 1);
  absl::StatusOr<ServerConfig> config =
      Load({"--db=x", "--staffing_addr=10.0.0.4:50054"});
  unsetenv("HPEDU_REGISTRY_ADDR");
  ASSERT_THAT(config, IsOk());
  EXPECT_EQ(config->peer_addresses.at("registry"), "127.0.0.1:50051");
  EXPECT_EQ(config->peer_addresses.at("staffing"), "10.0.0.4:50054");
  EXPECT_EQ(config->peer_addresses.count("budget"), 0u);
  EXPECT_THAT(Load({"--db=x", "--budget_addr=nocolon"}),
              HasFieldViolation("--budget_addr"));
}

TEST_F(ConfigTest, DatabaseIsRequired) {
  EXPECT_THAT(Load({}), HasFieldViolation("--db"));
}

TEST_F(ConfigTest, AServiceWithoutDatabaseReadsItsOwnFlags) {
  std::string web_dir;
  std::string http_listen;
  ConfigSpec spec;
  spec.requires_database = false;
  spec.flags = {
      {"web_dir", "dashboard", [&](std::string_view v) {
         web_dir = std::string(v);
         return true;
       }},
      {"http_listen", "host:port", [&](std::string_view v) {
         http_listen = std::string(v);
         return v.find(':') != std::string_view::npos;
       }}};
  setenv("HPEDU_REGISTRY_WEB_DIR", "/from/env", 1);
  std::vector<std::string> args = {"hpedu_registry", "--http_listen=:8080",
                                   "--workers=3"};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  absl::StatusOr<ServerConfig> config = LoadServerConfig(
      "registry", static_cast<int>(argv.size()), argv.data(), spec);
  unsetenv("HPEDU_REGISTRY_WEB_DIR");
  ASSERT_THAT(config, IsOk());  // no --db needed
  EXPECT_EQ(config->workers, 3);
  EXPECT_EQ(web_dir, "/from/env");
  EXPECT_EQ(http_listen, ":8080");

  std::vector<std::string> bad = {"hpedu_registry", "--http_listen=nocolon"};
  argv.clear();
  for (std::string& arg : bad) argv.push_back(arg.data());
  EXPECT_THAT(LoadServerConfig("registry", static_cast<int>(argv.size()),
                               argv.data(), spec),
              HasFieldViolation("--http_listen"));
  EXPECT_THAT(ServerConfigUsage("registry", spec),
              ::testing::HasSubstr("HPEDU_REGISTRY_HTTP_LISTEN"));
}

TEST_F(ConfigTest, BadEnvironmentValueNamesTheVariable) {
  setenv("HPEDU_WORKERS", "many", 1);
  EXPECT_THAT(Load({"--db=x"}), HasFieldViolation("HPEDU_WORKERS"));
}

TEST(ConfigUsageTest, ListsOptionsWithTheirVariables) {
  std::string usage = ServerConfigUsage("registry");
  EXPECT_THAT(usage, ::testing::HasSubstr("--db_pool_size"));
  EXPECT_THAT(usage, ::testing::HasSubstr("HPEDU_REGISTRY_DB_POOL_SIZE"));
}

}  // namespace
}  // namespace hpedu::server
