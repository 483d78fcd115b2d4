// The compliance report and the estimate-versus-execution table as XLSX
// workbooks (libxlsxwriter), laid out as a Vietnamese finance office's
// report: the issuing agency and the national motto at the top, a centred
// title, "Đơn vị tính: triệu đồng", a bordered table with STT and
// numbered columns, the place and date and the signatures below. Amounts
// are shown in triệu đồng with Vietnamese separators ("1.234,57") and
// written as right-aligned text: an XLSX number is binary floating point,
// and no floating point touches an amount here.
#ifndef HPEDU_SERVICES_BUDGET_XLSX_EXPORT_H_
#define HPEDU_SERVICES_BUDGET_XLSX_EXPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "hpedu/budget/v1/budget_service.pb.h"

namespace hpedu::budget {

// Who issues the report, as the top-left block writes it.
struct ReportHeading {
  // "UBND THÀNH PHỐ HẢI PHÒNG".
  std::string superior;
  // "SỞ GIÁO DỤC VÀ ĐÀO TẠO".
  std::string agency;
  // "Hải Phòng": the place of "Hải Phòng, ngày 25 tháng 11 năm 2026".
  std::string place;
  absl::CivilDay date;
};

// Decimal places of triệu đồng in the workbooks.
inline constexpr int kMillionsPlaces = 2;

// "21.37" -> "21,37".
std::string VietnamesePercent(const std::string& percent);

// The workbook's bytes. INTERNAL if libxlsxwriter fails.
absl::StatusOr<std::string> ComplianceWorkbook(
    const v1::ComplianceReport& report, const ReportHeading& heading);
absl::StatusOr<std::string> ExecutionWorkbook(const v1::ExecutionTable& table,
                                              const ReportHeading& heading);

}  // namespace hpedu::budget

#endif  // HPEDU_SERVICES_BUDGET_XLSX_EXPORT_H_
