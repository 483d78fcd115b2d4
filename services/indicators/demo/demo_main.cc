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

// The school year 2025-2026 through the reporting loop, so that the
// dashboard shows one: every reported school-year indicator gated from
// 2025-2026 on (schools reviewed by their commune, communes by the quality
// division), and the communes in id order taking turns through five
// states: approved (two in five), submitted and waiting for the division,
// returned with a reason, and not submitted (one school waiting for its
// commune). Returns the number of transitions, or -1 after printing why.
// A second run finds the workflow and changes nothing.
int DemoLoop(const std::shared_ptr<grpc::Channel>& channel,
             const std::vector<iv1::CreateIndicatorRequest>& catalogue,
             const std::vector<rv1::Unit>& units) {
  auto approvals = iv1::ApprovalService::NewStub(channel);
  iv1::CreateApprovalWorkflowRequest create;
  create.set_workflow_id("bao-cao-nam-hoc");
  iv1::ApprovalWorkflow* workflow = create.mutable_workflow();
  workflow->set_display_name("Báo cáo chỉ tiêu năm học");
  workflow->set_period_type(iv1::SCHOOL_YEAR);
  workflow->set_first_period("2025-2026");
  workflow->set_lead_agency("units/so-gddt-qlcl");
  for (const iv1::CreateIndicatorRequest& request : catalogue) {
    if (request.indicator().source() == iv1::REPORTED &&
        request.indicator().period_type() == iv1::SCHOOL_YEAR) {
      workflow->add_indicators("indicators/" + request.indicator_id());
    }
  }
  iv1::ApprovalLevel* schools = workflow->add_levels();
  schools->set_reporting_level(iv1::SCHOOL);
  schools->add_approver_roles("commune_officer");
  schools->add_approver_roles("leadership");
  iv1::ApprovalLevel* communes = workflow->add_levels();
  communes->set_reporting_level(iv1::COMMUNE);
  communes->add_approver_roles("division");
  communes->add_approver_roles("leadership");
  iv1::ApprovalWorkflow created;
  grpc::Status status =
      approvals->CreateApprovalWorkflow(LoaderContext().get(), create, &created);
  if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) return 0;
  if (!status.ok()) {
    Fail("CreateApprovalWorkflow", status);
    return -1;
  }

  int transitions = 0;
  auto name_of = [](const std::string& unit) {
    return absl::StrCat("approvalWorkflows/bao-cao-nam-hoc/submissions/",
                        unit.substr(sizeof("units/") - 1), "~2025-2026");
  };
  auto submit = [&](const std::string& unit) {
    iv1::SubmitValuesRequest request;
    request.set_name(name_of(unit));
    iv1::Submission out;
    status = approvals->SubmitValues(LoaderContext().get(), request, &out);
    ++transitions;
    return status.ok();
  };
  auto approve = [&](const std::string& unit) {
    iv1::ApproveSubmissionRequest request;
    request.set_name(name_of(unit));
    iv1::Submission out;
    status = approvals->ApproveSubmission(LoaderContext().get(), request, &out);
    ++transitions;
    return status.ok();
  };
  auto give_back = [&](const std::string& unit, const std::string& reason) {
    iv1::ReturnSubmissionRequest request;
    request.set_name(name_of(unit));
    request.set_reason(reason);
    iv1::Submission out;
    status = approvals->ReturnSubmission(LoaderContext().get(), request, &out);
    ++transitions;
    return status.ok();
  };
  int turn = 0;
  for (const rv1::Unit& commune : units) {
    if ((commune.kind() != rv1::COMMUNE && commune.kind() != rv1::WARD &&
         commune.kind() != rv1::SPECIAL_ZONE) ||
        commune.has_valid_until()) {
      continue;
    }
    const int state = turn++ % 5;
    std::vector<std::string> its_schools;
    for (const rv1::Unit& school : units) {
      if (school.kind() == rv1::SCHOOL && !school.has_valid_until() &&
          school.parent() == commune.name()) {
        its_schools.push_back(school.name());
      }
    }
    bool ok = true;
    if (state == 4) {  // not submitted; one school waits for the commune
      if (!its_schools.empty()) ok = submit(its_schools.front());
    } else {
      for (const std::string& school : its_schools) {
        ok = ok && submit(school) && approve(school);
      }
      ok = ok && submit(commune.name());
      if (state <= 1) ok = ok && approve(commune.name());
      if (state == 3) {
        ok = ok && give_back(commune.name(),
                             "Tỷ lệ huy động trẻ chưa khớp với số liệu dân số; "
                             "đề nghị rà soát lại");
      }
    }
    if (!ok) {
      Fail("demo loop " + commune.name(), status);
      return -1;
    }
  }
  return transitions;
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
