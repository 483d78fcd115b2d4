// hpedu_indicators_demo: loads the indicators service's demo data into a
// running service: the indicators and targets (real, from the plans), then
// generated values for the registry's communes and schools, streamed
// through StreamImportReportedValues. Idempotent: a second run changes
// nothing.
//
//   hpedu_indicators_demo [--seed=N] [--csv]
//
// Addresses come from HPEDU_INDICATORS_ADDR and HPEDU_REGISTRY_ADDR (or
// --indicators_addr= / --registry_addr=). --csv prints the generated values
// as an import CSV instead of loading anything.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/server/tls.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/value_import.h"

namespace {

namespace iv1 = ::hpedu::indicators::v1;
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
  uint32_t seed = hpedu::indicators::demo::kDefaultSeed;
  std::string indicators_addr = Env("HPEDU_INDICATORS_ADDR");
  std::string registry_addr = Env("HPEDU_REGISTRY_ADDR");
  bool csv_only = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--seed=") && absl::SimpleAtoi(arg, &seed)) {
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--indicators_addr=")) {
      indicators_addr = std::string(arg);
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
              << " [--seed=N] [--csv] [--indicators_addr=host:port]"
                 " [--registry_addr=host:port]\n";
    return 2;
  }
  if (registry_addr.empty() || (!csv_only && indicators_addr.empty())) {
    std::cerr << "cần HPEDU_REGISTRY_ADDR và HPEDU_INDICATORS_ADDR "
                 "(--registry_addr, --indicators_addr)\n";
    return 2;
  }

  // Mutual TLS when HPEDU_TLS_CERT/KEY/CA are set (as up.sh does), as the
  // hpedu command.
  const auto credentials = hpedu::server::MakeChannelCredentials(
      {Env("HPEDU_TLS_CERT"), Env("HPEDU_TLS_KEY"), Env("HPEDU_TLS_CA")});
  if (!credentials.ok()) {
    std::cerr << credentials.status() << "\n";
    return 2;
  }
  // Every unit the registry holds today.
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_addr, *credentials));
  std::vector<rv1::Unit> units;
  rv1::ListUnitsRequest list;
  list.set_page_size(1000);
  while (true) {
    rv1::ListUnitsResponse page;
    const grpc::Status status = registry->ListUnits(Context().get(), list, &page);
    if (!status.ok()) return Fail("registry ListUnits", status);
    for (rv1::Unit& unit : *page.mutable_units()) units.push_back(std::move(unit));
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  const std::string csv = hpedu::indicators::FormatValuesCsv(
      hpedu::indicators::demo::DemoValues(units, seed));
  if (csv_only) {
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
  auto indicators = iv1::IndicatorsService::NewStub(
      grpc::CreateChannel(indicators_addr, *credentials));
  int created = 0;
  for (const iv1::CreateIndicatorRequest& request : absl_catalogue->indicators) {
    iv1::Indicator response;
    const grpc::Status status =
        indicators->CreateIndicator(Context().get(), request, &response);
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
        indicators->CreateTarget(Context().get(), request, &response);
    if (status.ok()) {
      ++targets;
    } else if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) {
      return Fail("CreateTarget " + request.parent() + "/" + request.target_id(),
                  status);
    }
  }

  // Streamed in 1 MiB chunks; the demo's years are closed, so the load is
  // an override, and says so.
  iv1::ImportReportedValuesResponse imported;
  auto context = Context();
  auto writer = indicators->StreamImportReportedValues(context.get(), &imported);
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
  std::cerr << "indicators demo: " << created << " indicators, " << targets
            << " targets created; values: " << imported.created()
            << " created, " << imported.corrected() << " corrected, "
            << imported.unchanged() << " unchanged, "
            << imported.outlier_lines_size() << " flagged as outliers\n";
  return 0;
}
