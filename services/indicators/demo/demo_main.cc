// hpedu_indicators_demo: loads the indicators service's demo data into a
// running service: the indicators and targets (real, from the plans), then
// generated values for the registry's communes and schools, streamed
// through StreamImportReportedValues, and the reporting loop of 2025-2026
// in every state (DemoLoop). Idempotent: a second run changes nothing.
//
//   hpedu_indicators_demo [--seed=N] [--csv]
//
// Addresses come from HPEDU_INDICATORS_ADDR and HPEDU_REGISTRY_ADDR (or
// --indicators_addr= / --registry_addr=). --csv prints the generated values
// as an import CSV instead of loading anything.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/indicators/v1/approvals.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/demo/loader.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/value_import.h"
#include "services/registry/client/list_units.h"

namespace {

namespace iv1 = ::hpedu::indicators::v1;
namespace rv1 = ::hpedu::registry::v1;
using ::hpedu::demo::Fail;
using ::hpedu::demo::LoaderContext;

// The school year 2025-2026 through the reporting loop (DemoWorkflow,
// DemoLoopSteps), so that the dashboard shows one. Returns the number of
// calls, or -1 after printing why. A second run finds the workflow and
// changes nothing.
int DemoLoop(const std::shared_ptr<grpc::Channel>& channel,
             const std::vector<iv1::CreateIndicatorRequest>& catalogue,
             const std::vector<rv1::Unit>& units) {
  namespace demo = ::hpedu::indicators::demo;
  auto approvals = iv1::ApprovalService::NewStub(channel);
  iv1::ApprovalWorkflow created;
  grpc::Status status = approvals->CreateApprovalWorkflow(
      LoaderContext().get(), demo::DemoWorkflow(catalogue), &created);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) return 0;
  if (!status.ok()) {
    Fail("CreateApprovalWorkflow", status);
    return -1;
  }
  const std::vector<demo::LoopStep> steps = demo::DemoLoopSteps(units);
  for (const demo::LoopStep& step : steps) {
    status = demo::PlayStep(*approvals, LoaderContext().get(), step);
    if (!status.ok()) {
      Fail("demo loop " + step.submission, status);
      return -1;
    }
  }
  return static_cast<int>(steps.size());
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<hpedu::demo::LoaderFlags> flags =
      hpedu::demo::ParseLoaderFlags(
          argc, argv,
          {.service = "indicators",
           .default_seed = hpedu::indicators::demo::kDefaultSeed});
  if (!flags) return 2;
  // Every unit the registry holds today.
  absl::StatusOr<std::vector<rv1::Unit>> listed =
      hpedu::registry::client::ListAllUnits(flags->RegistryChannel(),
                                            LoaderContext);
  if (!listed.ok()) {
    std::cerr << "registry ListUnits: " << listed.status() << "\n";
    return 1;
  }
  const std::vector<rv1::Unit>& units = *listed;
  const std::string csv = hpedu::indicators::FormatValuesCsv(
      hpedu::indicators::demo::DemoValues(units, flags->seed));
  if (flags->csv) {
    std::cout << csv;
    return std::cout.good() ? 0 : 1;
  }

  auto absl_catalogue = hpedu::indicators::demo::DemoIndicators(
      hpedu::indicators::demo::EmbeddedIndicatorsCsv(),
      hpedu::indicators::demo::EmbeddedTargetsCsv());
  if (!absl_catalogue.ok()) {
    std::cerr << absl_catalogue.status() << "\n";
    return 1;
  }
  auto indicators = iv1::IndicatorsService::NewStub(flags->ServiceChannel());
  int created = 0;
  for (const iv1::CreateIndicatorRequest& request :
       absl_catalogue->indicators) {
    iv1::Indicator response;
    const grpc::Status status =
        indicators->CreateIndicator(LoaderContext().get(), request, &response);
    if (status.ok()) {
      ++created;
    } else if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return Fail("CreateIndicator " + request.indicator_id(), status);
    }
  }
  int targets = 0;
  for (const iv1::CreateTargetRequest& request : absl_catalogue->targets) {
    iv1::Target response;
    const grpc::Status status =
        indicators->CreateTarget(LoaderContext().get(), request, &response);
    if (status.ok()) {
      ++targets;
    } else if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return Fail(
          "CreateTarget " + request.parent() + "/" + request.target_id(),
          status);
    }
  }

  // Streamed in 1 MiB chunks; the demo's years are closed, so the load is
  // an override, and says so.
  iv1::ImportReportedValuesResponse imported;
  auto context = LoaderContext();
  auto writer =
      indicators->StreamImportReportedValues(context.get(), &imported);
  constexpr size_t kChunk = 1 << 20;
  for (size_t offset = 0; offset < csv.size(); offset += kChunk) {
    iv1::ImportReportedValuesRequest chunk;
    chunk.set_csv_content(csv.substr(offset, kChunk));
    if (offset == 0) {
      chunk.set_override_reason(
          "dữ liệu mẫu sinh tự động (generated demo data)");
    }
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return Fail("StreamImportReportedValues", status);
  const int transitions =
      DemoLoop(flags->ServiceChannel(), absl_catalogue->indicators, units);
  if (transitions < 0) return 1;
  std::cerr << "indicators demo: reporting loop of 2025-2026, " << transitions
            << " submissions, approvals and returns\n";
  std::cerr << "indicators demo: " << created << " indicators, " << targets
            << " targets created; values: " << imported.created()
            << " created, " << imported.corrected() << " corrected, "
            << imported.unchanged() << " unchanged, "
            << imported.outlier_lines_size() << " flagged as outliers\n";
  return 0;
}
