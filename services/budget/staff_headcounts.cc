#include "services/budget/staff_headcounts.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"

namespace hpedu::budget {
namespace {

namespace sv1 = ::hpedu::staffing::v1;

absl::Status Unavailable(const std::string& detail) {
  return WithErrorInfo(
      absl::UnavailableError(absl::StrCat(
          "Dịch vụ đội ngũ (staffing) không trả lời nên chưa có số người để "
          "tính; hãy thử lại sau (the staffing service is unreachable: ",
          detail, ")")),
      "STAFFING_UNAVAILABLE", {{"service", "staffing"}});
}

}  // namespace

absl::StatusOr<StaffHeadcounts> CountStaff(server::PeerChannels& peers,
                                           const server::CallContext& call,
                                           const UnitInfo& unit,
                                           absl::CivilDay day) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      peers.Get("staffing");
  if (!channel.ok()) return Unavailable(std::string(channel.status().message()));
  std::unique_ptr<sv1::StaffingService::Stub> stub =
      sv1::StaffingService::NewStub(*channel);
  sv1::GetHeadcountRequest request;
  request.set_org_unit("units/" + unit.id);
  *request.mutable_as_of() = api::ToProtoDate(day);
  sv1::GetHeadcountResponse response;
  const std::unique_ptr<grpc::ClientContext> context = call.NewClientContext();
  const grpc::Status status =
      stub->GetHeadcount(context.get(), request, &response);
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return Unavailable(status.error_message());
  }
  if (!status.ok()) return FromGrpcStatus(status);
  return FromStaffing(
      response,
      absl::StrFormat("Dịch vụ đội ngũ (staffing, GetHeadcount): %s, ngày "
                      "%02d/%02d/%04d; giáo viên gồm cả cán bộ quản lý",
                      unit.display_name, day.day(), day.month(), day.year()));
}

StaffHeadcounts FromStaffing(const sv1::GetHeadcountResponse& response,
                             std::string source) {
  StaffHeadcounts out;
  out.source = std::move(source);
  for (const sv1::Headcount& headcount : response.headcounts()) {
    HeadcountRow row;
    switch (headcount.position()) {
      case sv1::TEACHER:
      case sv1::MANAGER:
        row.category = v1::TEACHER;
        break;
      case sv1::STAFF:
        row.category = v1::SCHOOL_STAFF;
        break;
      default:
        continue;
    }
    // A level staffing does not name counts only for every-level groups.
    row.sub_sector =
        ParseSubSector(headcount.level()).value_or(v1::SUB_SECTOR_UNSPECIFIED);
    row.count = headcount.count();
    out.rows.push_back(row);
  }
  return out;
}

}  // namespace hpedu::budget
