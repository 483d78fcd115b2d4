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
#include <iostream>
#include <map>
#include <optional>
#include <string>

#include "grpcpp/grpcpp.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/demo/loader.h"
#include "services/budget/demo/demo_budget.h"
#include "services/budget/line_import.h"
#include "services/registry/client/list_units.h"

namespace {

namespace bv1 = ::hpedu::budget::v1;
namespace rv1 = ::hpedu::registry::v1;
using ::hpedu::demo::Fail;
using ::hpedu::demo::LoaderContext;

}  // namespace

int main(int argc, char** argv) {
  const std::optional<hpedu::demo::LoaderFlags> flags =
      hpedu::demo::ParseLoaderFlags(
          argc, argv,
          {.service = "budget",
           .default_seed = hpedu::budget::demo::kDefaultSeed});
  if (!flags) return 2;
  absl::StatusOr<std::vector<rv1::Unit>> listed =
      hpedu::registry::client::ListAllUnits(flags->RegistryChannel(),
                                            LoaderContext);
  if (!listed.ok()) {
    std::cerr << "registry ListUnits: " << listed.status() << "\n";
    return 1;
  }
  const std::vector<rv1::Unit>& units = *listed;
  hpedu::budget::demo::DemoOptions options;
  options.seed = flags->seed;
  const std::vector<hpedu::budget::VersionDraft> drafts =
      hpedu::budget::demo::DemoBudgets(units, options);
  if (flags->csv) {
    std::cout << hpedu::budget::FormatBudgetLinesCsv(drafts);
    return std::cout.good() ? 0 : 1;
  }

  auto budget = bv1::BudgetService::NewStub(flags->ServiceChannel());
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
        budget->ImportBudgetLines(LoaderContext().get(), request, &response);
    if (!status.ok())
      return Fail("ImportBudgetLines " + std::to_string(year), status);
    created += response.versions_created();
    unchanged += response.versions_unchanged();
  }
  int projects = 0;
  int payments = 0;
  for (const hpedu::budget::demo::DemoProject& project :
       hpedu::budget::demo::DemoProjects(units, flags->seed)) {
    bv1::Project response;
    grpc::Status status =
        budget->CreateProject(LoaderContext().get(), project.create, &response);
    if (!status.ok()) return Fail("CreateProject", status);
    ++projects;
    for (const bv1::RecordDisbursementRequest& payment : project.payments) {
      bv1::Disbursement paid;
      status =
          budget->RecordDisbursement(LoaderContext().get(), payment, &paid);
      if (!status.ok()) return Fail("RecordDisbursement", status);
      ++payments;
    }
  }
  std::cerr << "budget demo: " << created << " versions created, " << unchanged
            << " unchanged; " << projects << " projects, " << payments
            << " payments (idempotent by request id)\n";
  return 0;
}
