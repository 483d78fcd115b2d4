// The workbooks reopened and checked cell by cell: the XLSX is unzipped
// with `unzip` and the sheet's cells resolved through the shared strings.
#include "services/budget/xlsx_export.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/budget/compliance.h"

namespace hpedu::budget {
namespace {

// The text of every cell of sheet 1, by reference ("B10").
class Sheet {
 public:
  explicit Sheet(const std::string& xlsx) {
    char path[] = "/tmp/budget-xlsx-test-XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(path, std::ios::binary) << xlsx;
    const std::string strings = Unzip(path, "xl/sharedStrings.xml");
    const std::string sheet = Unzip(path, "xl/worksheets/sheet1.xml");
    std::remove(path);
    std::vector<std::string> shared;
    const std::regex si("<si><t[^>]*>([^<]*)</t></si>");
    for (auto it = std::sregex_iterator(strings.begin(), strings.end(), si);
         it != std::sregex_iterator(); ++it) {
      shared.push_back(Unescape((*it)[1]));
    }
    const std::regex cell("<c r=\"([A-Z]+[0-9]+)\"[^>]*t=\"s\"[^>]*><v>([0-9]+)</v></c>");
    for (auto it = std::sregex_iterator(sheet.begin(), sheet.end(), cell);
         it != std::sregex_iterator(); ++it) {
      cells_[(*it)[1]] = shared.at(std::stoul((*it)[2]));
    }
    merged_ = sheet.find("<mergeCell ref=\"A1:") != std::string::npos;
  }

  std::string at(const std::string& ref) const {
    auto it = cells_.find(ref);
    return it == cells_.end() ? "<none>" : it->second;
  }
  bool merged_heading() const { return merged_; }

 private:
  static std::string Unzip(const std::string& path, const std::string& member) {
    std::string out;
    FILE* pipe = popen(absl::StrCat("unzip -p ", path, " ", member).c_str(), "r");
    if (pipe == nullptr) return out;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    pclose(pipe);
    return out;
  }
  static std::string Unescape(const std::string& text) {
    return absl::StrReplaceAll(text, {{"&lt;", "<"},
                                      {"&gt;", ">"},
                                      {"&quot;", "\""},
                                      {"&amp;", "&"}});
  }

  std::map<std::string, std::string> cells_;
  bool merged_ = false;
};

ReportHeading Heading() {
  return ReportHeading{"UBND THÀNH PHỐ HẢI PHÒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                       "Hải Phòng", absl::CivilDay(2026, 11, 25)};
}

TEST(XlsxExportTest, ComplianceReportCellByCell) {
  v1::ComplianceReport report;
  report.set_stage(v1::ESTIMATE);
  v1::ComplianceRow& city = *report.add_rows();
  city.set_kind(v1::CITY_LEVEL);
  city.set_display_name("Ngân sách cấp thành phố - Thành phố Hải Phòng");
  city.set_fiscal_year(2026);
  city.set_has_data(true);
  city.mutable_totals()->set_state_total_dong(12'345'678'900'000);
  *city.mutable_education() = Assess(2'500'000'000'000, 12'345'678'900'000, 20);
  *city.mutable_investment() = Assess(700'000'000'000, 12'345'678'900'000, 5);
  v1::ComplianceRow& commune = *report.add_rows();
  commune.set_kind(v1::COMMUNE_BUDGET);
  commune.set_display_name("Phường Đồ Sơn");
  commune.set_fiscal_year(2026);
  commune.set_has_data(true);
  commune.mutable_totals()->set_state_total_dong(80'000'000'000);
  *commune.mutable_education() = Assess(12'000'000'000, 80'000'000'000, 20);
  *commune.mutable_investment() = Assess(3'000'000'000, 80'000'000'000, 5);
  v1::ComplianceRow& empty = *report.add_rows();
  empty.set_kind(v1::COMMUNE_BUDGET);
  empty.set_display_name("Xã An Lão");
  empty.set_fiscal_year(2026);

  const Sheet sheet(*ComplianceWorkbook(report, Heading()));
  EXPECT_TRUE(sheet.merged_heading());
  EXPECT_EQ(sheet.at("A1"), "UBND THÀNH PHỐ HẢI PHÒNG");
  EXPECT_EQ(sheet.at("A2"), "SỞ GIÁO DỤC VÀ ĐÀO TẠO");
  EXPECT_EQ(sheet.at("H1"), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  EXPECT_EQ(sheet.at("H2"), "Độc lập - Tự do - Hạnh phúc");
  EXPECT_EQ(sheet.at("H3"), "Hải Phòng, ngày 25 tháng 11 năm 2026");
  EXPECT_EQ(sheet.at("A6"), "Năm 2026 - Số liệu: Dự toán");
  EXPECT_EQ(sheet.at("A7"), "Đơn vị tính: triệu đồng");
  EXPECT_EQ(sheet.at("A8"), "STT");
  EXPECT_EQ(sheet.at("E9"), "Số tiền");
  EXPECT_EQ(sheet.at("F10"), "(6)=(5)/(4)");
  // City level: 12,345,678,900,000 đồng = 12.345.678,90 triệu; education
  // 2.500.000,00 = 20,25%; 20% is 2.469.135,78 triệu (rounded up to the
  // đồng, then shown in millions); gap 30.864,22.
  EXPECT_EQ(sheet.at("A11"), "B");
  EXPECT_EQ(sheet.at("B11"), "Ngân sách cấp thành phố - Thành phố Hải Phòng");
  EXPECT_EQ(sheet.at("D11"), "12.345.678,90");
  EXPECT_EQ(sheet.at("E11"), "2.500.000,00");
  EXPECT_EQ(sheet.at("F11"), "20,25");
  EXPECT_EQ(sheet.at("G11"), "2.469.135,78");
  EXPECT_EQ(sheet.at("H11"), "30.864,22");
  EXPECT_EQ(sheet.at("I11"), "0,25");
  EXPECT_EQ(sheet.at("O11"), "Đạt");
  // Đồ Sơn: 12 bn of 80 bn = 15% (16 bn needed: -4.000,00 triệu, -5 points);
  // investment 3 bn = 3,75% (4 bn needed).
  EXPECT_EQ(sheet.at("A12"), "1");
  EXPECT_EQ(sheet.at("D12"), "80.000,00");
  EXPECT_EQ(sheet.at("F12"), "15,00");
  EXPECT_EQ(sheet.at("H12"), "-4.000,00");
  EXPECT_EQ(sheet.at("I12"), "-5,00");
  EXPECT_EQ(sheet.at("K12"), "3,75");
  EXPECT_EQ(sheet.at("M12"), "-1.000,00");
  EXPECT_EQ(sheet.at("O12"), "Chưa đạt 20%; Chưa đạt 5%");
  EXPECT_EQ(sheet.at("A13"), "2");
  EXPECT_EQ(sheet.at("O13"), "Chưa có số liệu");
}

TEST(XlsxExportTest, ExecutionTableCellByCell) {
  v1::ExecutionTable table;
  table.set_display_name("Phường Đồ Sơn");
  table.set_fiscal_year(2026);
  for (const char* name : {"e", "", "x", ""}) table.add_budget_versions(name);
  v1::ExecutionRow& row = *table.add_rows();
  row.set_number("A");
  row.set_label("TỔNG CHI NGÂN SÁCH NHÀ NƯỚC");
  row.set_estimate_dong(80'000'000'000);
  row.set_execution_dong(71'234'567'890);
  row.set_execution_percent("89.04");
  const Sheet sheet(*ExecutionWorkbook(
      table, ReportHeading{"UBND Phường Đồ Sơn", "PHÒNG VĂN HÓA - XÃ HỘI",
                           "Hải Phòng", absl::CivilDay(2026, 1, 5)}));
  EXPECT_EQ(sheet.at("A5"),
            "BẢNG SO SÁNH DỰ TOÁN VÀ THỰC HIỆN CHI NGÂN SÁCH NĂM 2026");
  EXPECT_EQ(sheet.at("A6"), "Phường Đồ Sơn");
  EXPECT_EQ(sheet.at("E8"), "Thực hiện");
  EXPECT_EQ(sheet.at("A10"), "A");
  EXPECT_EQ(sheet.at("C10"), "80.000,00");
  EXPECT_EQ(sheet.at("D10"), "<none>");  // no adjusted estimate: blank
  EXPECT_EQ(sheet.at("E10"), "71.234,57");
  EXPECT_EQ(sheet.at("G10"), "89,04");
}

}  // namespace
}  // namespace hpedu::budget
