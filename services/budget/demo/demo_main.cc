// hpedu_budget_demo: loads the budget service's generated demo data into a
// running service: the budgets of the city and every commune the registry
// lists (through ImportBudgetLines, one file per year), then school
// investment projects and their payments. Idempotent: a second run changes
// nothing.
//
//   hpedu_budget_demo [--seed=N] [--csv]
//
// Addresses come from HPEDU_BUDGET_ADDR and HPEDU_REGISTRY_ADDR (or
// --budget_addr= / --registry_addr=). --csv prints the budget lines as an
// import file instead of loading anything.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/server/tls.h"
#include "services/budget/demo/demo_budget.h"
#include "services/budget/line_import.h"
#include "services/registry/client/list_units.h"

namespace {

namespace bv1 = ::hpedu::budget::v1;
namespace rv1 = ::hpedu::registry::v1;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(300)));
  return context;
}

int Fail(const std::string& what, const grpc::Status& status) {
  std::cerr << what << ": " << status.error_code() << " "
            << status.error_message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t seed = hpedu::budget::demo::kDefaultSeed;
  std::string budget_addr = Env("HPEDU_BUDGET_ADDR");
  std::string registry_addr = Env("HPEDU_REGISTRY_ADDR");
  bool csv_only = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--seed=") && absl::SimpleAtoi(arg, &seed)) {
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--budget_addr=")) {
      budget_addr = std::string(arg);
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--registry_addr=")) {
      registry_addr = std::string(arg);
      continue;
    }
    if (arg == "--csv") {
      csv_only = true;
      continue;
    }
    std::cerr << "usage: " << argv[0]
              << " [--seed=N] [--csv] [--budget_addr=host:port]"
                 " [--registry_addr=host:port]\n";
    return 2;
  }
  if (registry_addr.empty() || (!csv_only && budget_addr.empty())) {
    std::cerr << "cần HPEDU_REGISTRY_ADDR và HPEDU_BUDGET_ADDR "
                 "(--registry_addr, --budget_addr)\n";
    return 2;
  }
  const auto credentials = hpedu::server::MakeChannelCredentials(
      {Env("HPEDU_TLS_CERT"), Env("HPEDU_TLS_KEY"), Env("HPEDU_TLS_CA")});
  if (!credentials.ok()) {
    std::cerr << credentials.status() << "\n";
    return 2;
  }
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_addr, *credentials));
  absl::StatusOr<std::vector<rv1::Unit>> listed =
      hpedu::registry::client::ListAllUnits(*registry, rv1::ListUnitsRequest(),
                                            Context);
  if (!listed.ok()) {
    std::cerr << "registry ListUnits: " << listed.status() << "\n";
    return 1;
  }
  const std::vector<rv1::Unit>& units = *listed;
  hpedu::budget::demo::DemoOptions options;
  options.seed = seed;
  const std::vector<hpedu::budget::VersionDraft> drafts =
      hpedu::budget::demo::DemoBudgets(units, options);
  if (csv_only) {
    std::cout << hpedu::budget::FormatBudgetLinesCsv(drafts);
    return std::cout.good() ? 0 : 1;
  }

  auto budget = bv1::BudgetService::NewStub(
      grpc::CreateChannel(budget_addr, *credentials));
  std::map<int, std::vector<hpedu::budget::VersionDraft>> by_year;
  for (const hpedu::budget::VersionDraft& draft : drafts) {
    by_year[draft.budget.year].push_back(draft);
  }
  int created = 0;
  int unchanged = 0;
  for (const auto& [year, year_drafts] : by_year) {
    bv1::ImportBudgetLinesRequest request;
    request.set_csv_content(hpedu::budget::FormatBudgetLinesCsv(year_drafts));
    bv1::ImportBudgetLinesResponse response;
    const grpc::Status status =
        budget->ImportBudgetLines(Context().get(), request, &response);
    if (!status.ok()) return Fail("ImportBudgetLines " + std::to_string(year), status);
    created += response.versions_created();
    unchanged += response.versions_unchanged();
  }
  int projects = 0;
  int payments = 0;
  for (const hpedu::budget::demo::DemoProject& project :
       hpedu::budget::demo::DemoProjects(units, seed)) {
    bv1::Project response;
    grpc::Status status =
        budget->CreateProject(Context().get(), project.create, &response);
    if (!status.ok()) return Fail("CreateProject", status);
    ++projects;
    for (const bv1::RecordDisbursementRequest& payment : project.payments) {
      bv1::Disbursement paid;
      status = budget->RecordDisbursement(Context().get(), payment, &paid);
      if (!status.ok()) return Fail("RecordDisbursement", status);
      ++payments;
    }
  }
  std::cerr << "budget demo: " << created << " versions created, " << unchanged
            << " unchanged; " << projects << " projects, " << payments
            << " payments (idempotent by request id)\n";
  return 0;
}
