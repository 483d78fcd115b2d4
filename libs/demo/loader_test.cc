#include "libs/demo/loader.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hpedu::demo {
namespace {

std::map<std::string, std::string>& Environment() {
  static auto* environment = new std::map<std::string, std::string>;
  return *environment;
}

std::string Lookup(const char* name) {
  auto it = Environment().find(name);
  return it == Environment().end() ? "" : it->second;
}

std::optional<LoaderFlags> Parse(std::vector<const char*> args,
                                 const LoaderSpec& spec) {
  args.insert(args.begin(), "hpedu_budget_demo");
  return ParseLoaderFlags(static_cast<int>(args.size()), args.data(), spec,
                          Lookup);
}

const LoaderSpec kBudget = {.service = "budget", .default_seed = 71};
const LoaderSpec kStaffing = {.service = "staffing",
                              .default_seed = 5,
                              .csv_kinds = {"roster", "classes"},
                              .csv_needs_service = true};

TEST(LoaderFlagsTest, AddressesComeFromTheEnvironmentUnlessGiven) {
  Environment() = {{"HPEDU_BUDGET_ADDR", "127.0.0.1:50055"},
                   {"HPEDU_REGISTRY_ADDR", "127.0.0.1:50051"}};
  std::optional<LoaderFlags> flags = Parse({}, kBudget);
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->seed, 71u);
  EXPECT_EQ(flags->service_addr, "127.0.0.1:50055");
  EXPECT_EQ(flags->registry_addr, "127.0.0.1:50051");
  EXPECT_FALSE(flags->csv.has_value());
  EXPECT_NE(flags->credentials, nullptr);

  flags = Parse({"--seed=9", "--budget_addr=h:1", "--registry_addr=h:2"},
                kBudget);
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->seed, 9u);
  EXPECT_EQ(flags->service_addr, "h:1");
  EXPECT_EQ(flags->registry_addr, "h:2");
}

TEST(LoaderFlagsTest, CsvKinds) {
  Environment() = {{"HPEDU_REGISTRY_ADDR", "r:1"}};
  // A plain --csv needs no service address; the staffing CSVs read norms
  // from the service, so they do.
  std::optional<LoaderFlags> flags = Parse({"--csv"}, kBudget);
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->csv, "");
  EXPECT_FALSE(Parse({"--csv=roster"}, kStaffing).has_value());
  Environment()["HPEDU_STAFFING_ADDR"] = "s:1";
  flags = Parse({"--csv=roster"}, kStaffing);
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(flags->csv, "roster");
  EXPECT_FALSE(Parse({"--csv=pupils"}, kStaffing).has_value());
  EXPECT_FALSE(Parse({"--csv"}, kStaffing).has_value());
}

TEST(LoaderFlagsTest, RefusesWhatItDoesNotKnowAndMissingAddresses) {
  Environment() = {{"HPEDU_BUDGET_ADDR", "b:1"}};
  EXPECT_FALSE(Parse({}, kBudget).has_value());  // no registry
  Environment()["HPEDU_REGISTRY_ADDR"] = "r:1";
  EXPECT_TRUE(Parse({}, kBudget).has_value());
  EXPECT_FALSE(Parse({"--seed=x"}, kBudget).has_value());
  EXPECT_FALSE(Parse({"--staffing_addr=s:1"}, kBudget).has_value());
  // TLS files that do not exist are an error, not plaintext.
  Environment()["HPEDU_TLS_CERT"] = "/nonexistent/cert.pem";
  Environment()["HPEDU_TLS_KEY"] = "/nonexistent/key.pem";
  Environment()["HPEDU_TLS_CA"] = "/nonexistent/ca.pem";
  EXPECT_FALSE(Parse({}, kBudget).has_value());
}

}  // namespace
}  // namespace hpedu::demo
