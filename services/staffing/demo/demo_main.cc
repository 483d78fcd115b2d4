// hpedu_staffing_demo: loads the staffing service's demo data into a
// running service: generated classes and pupils, rosters (one import per
// commune) and commune quotas for the registry's schools, staffed near the
// service's own norms. Idempotent: a second run changes nothing.
//
//   hpedu_staffing_demo [--seed=N] [--csv=roster|classes]
//
// Addresses come from HPEDU_STAFFING_ADDR and HPEDU_REGISTRY_ADDR (or
// --staffing_addr= / --registry_addr=). --csv prints an import file
// instead of loading anything (the norms are still read from the service).
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/server/tls.h"
#include "services/staffing/demo/demo_staffing.h"
#include "services/staffing/staff_import.h"

namespace {

namespace sv1 = ::hpedu::staffing::v1;
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
  uint32_t seed = hpedu::staffing::demo::kDefaultSeed;
  std::string staffing_addr = Env("HPEDU_STAFFING_ADDR");
  std::string registry_addr = Env("HPEDU_REGISTRY_ADDR");
  std::string csv;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--seed=") && absl::SimpleAtoi(arg, &seed)) continue;
    if (absl::ConsumePrefix(&arg, "--staffing_addr=")) {
      staffing_addr = std::string(arg);
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--registry_addr=")) {
      registry_addr = std::string(arg);
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--csv=") && (arg == "roster" || arg == "classes")) {
      csv = std::string(arg);
      continue;
    }
    std::cerr << "usage: " << argv[0]
              << " [--seed=N] [--csv=roster|classes] [--staffing_addr=host:port]"
                 " [--registry_addr=host:port]\n";
    return 2;
  }
  if (registry_addr.empty() || staffing_addr.empty()) {
    std::cerr << "cần HPEDU_REGISTRY_ADDR và HPEDU_STAFFING_ADDR "
                 "(--registry_addr, --staffing_addr)\n";
    return 2;
  }
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
  // The norms in force, to staff the schools near them.
  auto staffing = sv1::StaffingService::NewStub(
      grpc::CreateChannel(staffing_addr, *credentials));
  sv1::ListNormsResponse norms_response;
  {
    const grpc::Status status =
        staffing->ListNorms(Context().get(), sv1::ListNormsRequest(), &norms_response);
    if (!status.ok()) return Fail("ListNorms", status);
  }
  std::vector<hpedu::staffing::NormRule> norms;
  for (const sv1::Norm& n : norms_response.norms()) {
    hpedu::staffing::NormRule rule;
    rule.level = n.level();
    rule.grade = n.grade();
    rule.sessions_per_day = n.sessions_per_day();
    rule.subject = n.subject();
    rule.teachers_per_class_milli =
        hpedu::staffing::ParseMilli(n.teachers_per_class(), "n").value_or(0);
    rule.valid_from = hpedu::api::FromProtoDate(n.valid_from(), "v").value();
    if (n.has_valid_until()) {
      rule.valid_until = hpedu::api::FromProtoDate(n.valid_until(), "v").value();
    }
    norms.push_back(std::move(rule));
  }
  const hpedu::staffing::demo::DemoData data =
      hpedu::staffing::demo::GenerateDemo(units, norms, seed);
  if (csv == "roster") {
    std::cout << hpedu::staffing::FormatRosterCsv(data.roster);
    return std::cout.good() ? 0 : 1;
  }
  if (csv == "classes") {
    std::cout << hpedu::staffing::FormatClassesCsv(data.classes);
    return std::cout.good() ? 0 : 1;
  }

  sv1::ImportResponse classes;
  {
    sv1::ImportSchoolClassesRequest request;
    request.set_csv_content(hpedu::staffing::FormatClassesCsv(data.classes));
    const grpc::Status status =
        staffing->ImportSchoolClasses(Context().get(), request, &classes);
    if (!status.ok()) return Fail("ImportSchoolClasses", status);
  }
  // One roster per commune: each well under the 8 MiB of a request.
  std::map<std::string, std::string> commune_of;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() == rv1::SCHOOL) commune_of[unit.name().substr(6)] = unit.parent();
  }
  std::map<std::string, std::vector<hpedu::staffing::RosterLine>> by_commune;
  for (const hpedu::staffing::RosterLine& line : data.roster) {
    by_commune[commune_of[line.placement.school()]].push_back(line);
  }
  sv1::ImportResponse staff;
  for (const auto& [commune, lines] : by_commune) {
    sv1::ImportRosterRequest request;
    request.set_csv_content(hpedu::staffing::FormatRosterCsv(lines));
    sv1::ImportResponse response;
    const grpc::Status status = staffing->ImportRoster(Context().get(), request, &response);
    if (!status.ok()) return Fail("ImportRoster " + commune, status);
    staff.set_created(staff.created() + response.created());
    staff.set_updated(staff.updated() + response.updated());
    staff.set_unchanged(staff.unchanged() + response.unchanged());
  }
  for (const sv1::Quota& quota : data.quotas) {
    sv1::SetQuotaRequest request;
    *request.mutable_quota() = quota;
    sv1::Quota response;
    const grpc::Status status = staffing->SetQuota(Context().get(), request, &response);
    if (!status.ok()) return Fail("SetQuota " + quota.org_unit(), status);
  }
  std::cerr << "staffing demo: classes " << classes.created() << " created, "
            << classes.unchanged() << " unchanged; staff " << staff.created()
            << " created, " << staff.updated() << " updated, " << staff.unchanged()
            << " unchanged; " << data.quotas.size() << " quotas; "
            << data.short_communes.size() << " communes short of teachers\n";
  return 0;
}
