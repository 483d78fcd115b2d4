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
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/demo/loader.h"
#include "services/registry/client/list_units.h"
#include "services/staffing/demo/demo_staffing.h"
#include "services/staffing/staff_import.h"

namespace {

namespace sv1 = ::hpedu::staffing::v1;
namespace rv1 = ::hpedu::registry::v1;
using ::hpedu::demo::Fail;
using ::hpedu::demo::LoaderContext;

}  // namespace

int main(int argc, char** argv) {
  const std::optional<hpedu::demo::LoaderFlags> flags =
      hpedu::demo::ParseLoaderFlags(
          argc, argv,
          {.service = "staffing",
           .default_seed = hpedu::staffing::demo::kDefaultSeed,
           .csv_kinds = {"roster", "classes"},
           .csv_needs_service = true});
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
  // The norms in force, to staff the schools near them.
  auto staffing = sv1::StaffingService::NewStub(flags->ServiceChannel());
  sv1::ListNormsResponse norms_response;
  {
    const grpc::Status status = staffing->ListNorms(
        LoaderContext().get(), sv1::ListNormsRequest(), &norms_response);
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
      rule.valid_until =
          hpedu::api::FromProtoDate(n.valid_until(), "v").value();
    }
    norms.push_back(std::move(rule));
  }
  const hpedu::staffing::demo::DemoData data =
      hpedu::staffing::demo::GenerateDemo(units, norms, flags->seed);
  if (flags->csv == "roster") {
    std::cout << hpedu::staffing::FormatRosterCsv(data.roster);
    return std::cout.good() ? 0 : 1;
  }
  if (flags->csv == "classes") {
    std::cout << hpedu::staffing::FormatClassesCsv(data.classes);
    return std::cout.good() ? 0 : 1;
  }

  sv1::ImportResponse classes;
  {
    sv1::ImportSchoolClassesRequest request;
    request.set_csv_content(hpedu::staffing::FormatClassesCsv(data.classes));
    const grpc::Status status =
        staffing->ImportSchoolClasses(LoaderContext().get(), request, &classes);
    if (!status.ok()) return Fail("ImportSchoolClasses", status);
  }
  // One roster per commune: each well under the 8 MiB of a request.
  std::map<std::string, std::string> commune_of;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() == rv1::SCHOOL)
      commune_of[unit.name().substr(6)] = unit.parent();
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
    const grpc::Status status =
        staffing->ImportRoster(LoaderContext().get(), request, &response);
    if (!status.ok()) return Fail("ImportRoster " + commune, status);
    staff.set_created(staff.created() + response.created());
    staff.set_updated(staff.updated() + response.updated());
    staff.set_unchanged(staff.unchanged() + response.unchanged());
  }
  for (const sv1::Quota& quota : data.quotas) {
    sv1::SetQuotaRequest request;
    *request.mutable_quota() = quota;
    sv1::Quota response;
    const grpc::Status status =
        staffing->SetQuota(LoaderContext().get(), request, &response);
    if (!status.ok()) return Fail("SetQuota " + quota.org_unit(), status);
  }
  std::cerr << "staffing demo: classes " << classes.created() << " created, "
            << classes.unchanged() << " unchanged; staff " << staff.created()
            << " created, " << staff.updated() << " updated, "
            << staff.unchanged() << " unchanged; " << data.quotas.size()
            << " quotas; " << data.short_communes.size()
            << " communes short of teachers\n";
  return 0;
}
