#include "services/budget/xlsx_export.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/money/money.h"
#include "services/budget/budget_lines.h"
#include "xlsxwriter.h"

namespace hpedu::budget {
namespace {

// The formats one workbook uses.
struct Formats {
  lxw_format* heading_bold;       // agency and motto, centred, bold
  lxw_format* heading_underline;  // second line, bold underlined
  lxw_format* title;              // report title
  lxw_format* subtitle;           // centred italic
  lxw_format* unit_note;          // right italic: "Đơn vị tính"
  lxw_format* header;             // table header: bold, wrapped, bordered
  lxw_format* column_number;      // "(1)", italic, bordered
  lxw_format* text;               // bordered text
  lxw_format* text_bold;
  lxw_format* amount;             // bordered, right-aligned text
  lxw_format* amount_bold;
  lxw_format* center;             // bordered, centred
  lxw_format* center_bold;
  lxw_format* note;               // italic, wrapped
  lxw_format* signature;          // bold centred
  lxw_format* date;               // italic centred
};

Formats MakeFormats(lxw_workbook* book) {
  auto make = [book](std::function<void(lxw_format*)> setup) {
    lxw_format* format = workbook_add_format(book);
    format_set_font_name(format, "Times New Roman");
    format_set_font_size(format, 12);
    format_set_align(format, LXW_ALIGN_VERTICAL_CENTER);
    setup(format);
    return format;
  };
  auto bordered = [](lxw_format* f) {
    format_set_border(f, LXW_BORDER_THIN);
    format_set_text_wrap(f);
  };
  Formats f;
  f.heading_bold = make([](lxw_format* x) {
    format_set_bold(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.heading_underline = make([](lxw_format* x) {
    format_set_bold(x);
    format_set_underline(x, LXW_UNDERLINE_SINGLE);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.title = make([](lxw_format* x) {
    format_set_bold(x);
    format_set_font_size(x, 14);
    format_set_align(x, LXW_ALIGN_CENTER);
    format_set_text_wrap(x);
  });
  f.subtitle = make([](lxw_format* x) {
    format_set_italic(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.unit_note = make([](lxw_format* x) {
    format_set_italic(x);
    format_set_align(x, LXW_ALIGN_RIGHT);
  });
  f.header = make([&](lxw_format* x) {
    bordered(x);
    format_set_bold(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.column_number = make([&](lxw_format* x) {
    bordered(x);
    format_set_italic(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.text = make([&](lxw_format* x) { bordered(x); });
  f.text_bold = make([&](lxw_format* x) {
    bordered(x);
    format_set_bold(x);
  });
  f.amount = make([&](lxw_format* x) {
    bordered(x);
    format_set_align(x, LXW_ALIGN_RIGHT);
  });
  f.amount_bold = make([&](lxw_format* x) {
    bordered(x);
    format_set_bold(x);
    format_set_align(x, LXW_ALIGN_RIGHT);
  });
  f.center = make([&](lxw_format* x) {
    bordered(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.center_bold = make([&](lxw_format* x) {
    bordered(x);
    format_set_bold(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.note = make([](lxw_format* x) {
    format_set_italic(x);
    format_set_text_wrap(x);
    format_set_align(x, LXW_ALIGN_VERTICAL_TOP);
  });
  f.signature = make([](lxw_format* x) {
    format_set_bold(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  f.date = make([](lxw_format* x) {
    format_set_italic(x);
    format_set_align(x, LXW_ALIGN_CENTER);
  });
  return f;
}

// A workbook written to a temporary file, read back as bytes.
class Workbook {
 public:
  Workbook() {
    const char* dir = std::getenv("TMPDIR");
    path_ = absl::StrCat(dir != nullptr && *dir != '\0' ? dir : "/tmp",
                         "/hpedu-budget-XXXXXX");
    const int fd = mkstemp(path_.data());
    if (fd >= 0) {
      close(fd);
      book_ = workbook_new(path_.c_str());
    }
  }
  ~Workbook() {
    if (book_ != nullptr) workbook_close(book_);
    if (!path_.empty()) std::remove(path_.c_str());
  }

  lxw_workbook* book() const { return book_; }

  // Closes the workbook and returns the file's bytes.
  absl::StatusOr<std::string> Finish() {
    if (book_ == nullptr) {
      return absl::InternalError("không tạo được tệp XLSX (cannot create)");
    }
    const lxw_error error = workbook_close(book_);
    book_ = nullptr;
    if (error != LXW_NO_ERROR) {
      return absl::InternalError(
          absl::StrCat("libxlsxwriter: ", lxw_strerror(error)));
    }
    std::ifstream file(path_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
  }

 private:
  std::string path_;
  lxw_workbook* book_ = nullptr;
};

// The top block, title lines and the unit note; returns the next row.
lxw_row_t WriteTop(lxw_worksheet* sheet, const Formats& f,
                   const ReportHeading& heading, lxw_col_t last_col,
                   const std::string& title, const std::string& subtitle) {
  const lxw_col_t split = last_col / 2;
  worksheet_merge_range(sheet, 0, 0, 0, split - 1, heading.superior.c_str(),
                        f.heading_bold);
  worksheet_merge_range(sheet, 1, 0, 1, split - 1, heading.agency.c_str(),
                        f.heading_underline);
  worksheet_merge_range(sheet, 0, split, 0, last_col,
                        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f.heading_bold);
  worksheet_merge_range(sheet, 1, split, 1, last_col,
                        "Độc lập - Tự do - Hạnh phúc", f.heading_underline);
  const std::string dated = absl::StrFormat(
      "%s, ngày %02d tháng %02d năm %04d", heading.place, heading.date.day(),
      heading.date.month(), heading.date.year());
  worksheet_merge_range(sheet, 2, split, 2, last_col, dated.c_str(), f.date);
  worksheet_merge_range(sheet, 4, 0, 4, last_col, title.c_str(), f.title);
  worksheet_set_row(sheet, 4, 36, nullptr);
  worksheet_merge_range(sheet, 5, 0, 5, last_col, subtitle.c_str(), f.subtitle);
  worksheet_merge_range(sheet, 6, 0, 6, last_col, "Đơn vị tính: triệu đồng",
                        f.unit_note);
  return 7;
}

// The signature block below the table.
void WriteSignatures(lxw_worksheet* sheet, const Formats& f, lxw_row_t row,
                     lxw_col_t last_col) {
  const lxw_col_t split = last_col / 2;
  worksheet_merge_range(sheet, row, 0, row, split - 1, "NGƯỜI LẬP BIỂU",
                        f.signature);
  worksheet_merge_range(sheet, row, split, row, last_col, "THỦ TRƯỞNG ĐƠN VỊ",
                        f.signature);
  worksheet_merge_range(sheet, row + 1, 0, row + 1, split - 1,
                        "(Ký, ghi rõ họ tên)", f.date);
  worksheet_merge_range(sheet, row + 1, split, row + 1, last_col,
                        "(Ký, họ tên, đóng dấu)", f.date);
}

void PageSetup(lxw_worksheet* sheet, lxw_row_t header_first,
               lxw_row_t header_last) {
  worksheet_set_landscape(sheet);
  worksheet_set_paper(sheet, 9);  // A4
  worksheet_fit_to_pages(sheet, 1, 0);
  worksheet_repeat_rows(sheet, header_first, header_last);
  worksheet_gridlines(sheet, LXW_HIDE_ALL_GRIDLINES);
}

std::string Millions(int64_t dong) {
  return money::FormatMillions(dong, kMillionsPlaces);
}

}  // namespace

std::string VietnamesePercent(const std::string& percent) {
  std::string out = percent;
  for (char& c : out) {
    if (c == '.') c = ',';
  }
  return out;
}

absl::StatusOr<std::string> ComplianceWorkbook(
    const v1::ComplianceReport& report, const ReportHeading& heading) {
  Workbook workbook;
  if (workbook.book() == nullptr) return workbook.Finish();
  const Formats f = MakeFormats(workbook.book());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook.book(), "Tuân thủ NQ71");
  constexpr lxw_col_t kLast = 14;
  int first_year = 0;
  int last_year = 0;
  for (const v1::ComplianceRow& row : report.rows()) {
    if (first_year == 0 || row.fiscal_year() < first_year) {
      first_year = row.fiscal_year();
    }
    last_year = std::max(last_year, row.fiscal_year());
  }
  const std::string years = first_year == last_year
                                ? absl::StrCat("Năm ", first_year)
                                : absl::StrCat("Năm ", first_year, " - ",
                                               last_year);
  lxw_row_t r = WriteTop(
      sheet, f, heading, kLast,
      "BÁO CÁO TỶ LỆ CHI NGÂN SÁCH CHO GIÁO DỤC - ĐÀO TẠO\nTHEO NGHỊ QUYẾT "
      "SỐ 71-NQ/TW",
      absl::StrCat(years, " - Số liệu: ", StageLabel(report.stage())));

  // Two header rows, then the column numbers.
  const lxw_row_t h = r;
  worksheet_merge_range(sheet, h, 0, h + 1, 0, "STT", f.header);
  worksheet_merge_range(sheet, h, 1, h + 1, 1, "Đơn vị", f.header);
  worksheet_merge_range(sheet, h, 2, h + 1, 2, "Năm", f.header);
  worksheet_merge_range(sheet, h, 3, h + 1, 3, "Tổng chi ngân sách nhà nước",
                        f.header);
  worksheet_merge_range(sheet, h, 4, h, 8,
                        "Chi giáo dục - đào tạo (tối thiểu 20% tổng chi)",
                        f.header);
  worksheet_merge_range(
      sheet, h, 9, h, 13,
      "Chi đầu tư phát triển trường, lớp (tối thiểu 5% tổng chi)", f.header);
  worksheet_merge_range(sheet, h, 14, h + 1, 14, "Ghi chú", f.header);
  const char* sub[] = {"Số tiền", "Tỷ lệ (%)", "Mức tối thiểu",
                       "Chênh lệch", "Chênh lệch (điểm %)"};
  for (int i = 0; i < 5; ++i) {
    worksheet_write_string(sheet, h + 1, 4 + i, sub[i], f.header);
    worksheet_write_string(sheet, h + 1, 9 + i, sub[i], f.header);
  }
  const char* numbers[] = {"(1)",         "(2)",  "(3)",  "(4)",
                           "(5)",         "(6)=(5)/(4)", "(7)=(4)x20%",
                           "(8)=(5)-(7)", "(9)=(6)-20", "(10)",
                           "(11)=(10)/(4)", "(12)=(4)x5%", "(13)=(10)-(12)",
                           "(14)=(11)-5", "(15)"};
  for (int i = 0; i <= static_cast<int>(kLast); ++i) {
    worksheet_write_string(sheet, h + 2, i, numbers[i], f.column_number);
  }
  r = h + 3;
  int commune_number = 0;
  for (const v1::ComplianceRow& row : report.rows()) {
    const bool total = row.kind() != v1::COMMUNE_BUDGET;
    lxw_format* text = total ? f.text_bold : f.text;
    lxw_format* amount = total ? f.amount_bold : f.amount;
    lxw_format* center = total ? f.center_bold : f.center;
    std::string number;
    if (row.kind() == v1::LOCAL_TOTAL) {
      number = "A";
      commune_number = 0;
    } else if (row.kind() == v1::CITY_LEVEL) {
      number = "B";
    } else {
      number = absl::StrCat(++commune_number);
    }
    worksheet_write_string(sheet, r, 0, number.c_str(), center);
    worksheet_write_string(sheet, r, 1, row.display_name().c_str(), text);
    worksheet_write_string(sheet, r, 2, absl::StrCat(row.fiscal_year()).c_str(),
                           center);
    if (!row.has_data()) {
      for (lxw_col_t c = 3; c < kLast; ++c) {
        worksheet_write_string(sheet, r, c, "", amount);
      }
      worksheet_write_string(sheet, r, kLast, "Chưa có số liệu", text);
      ++r;
      continue;
    }
    worksheet_write_string(sheet, r, 3,
                           Millions(row.totals().state_total_dong()).c_str(),
                           amount);
    int col = 4;
    for (const v1::ShareAssessment* share :
         {&row.education(), &row.investment()}) {
      worksheet_write_string(sheet, r, col, Millions(share->amount_dong()).c_str(),
                             amount);
      worksheet_write_string(sheet, r, col + 1,
                             VietnamesePercent(share->percent()).c_str(), amount);
      worksheet_write_string(sheet, r, col + 2,
                             Millions(share->required_dong()).c_str(), amount);
      worksheet_write_string(sheet, r, col + 3,
                             Millions(share->gap_dong()).c_str(), amount);
      worksheet_write_string(sheet, r, col + 4,
                             VietnamesePercent(share->gap_percent()).c_str(),
                             amount);
      col += 5;
    }
    std::vector<std::string> notes;
    if (!row.education().meets()) notes.push_back("Chưa đạt 20%");
    if (!row.investment().meets()) notes.push_back("Chưa đạt 5%");
    if (row.missing_communes() > 0) {
      notes.push_back(
          absl::StrCat(row.missing_communes(), " xã, phường chưa có số liệu"));
    }
    std::string note = notes.empty() ? "Đạt" : notes[0];
    for (size_t i = 1; i < notes.size(); ++i) absl::StrAppend(&note, "; ", notes[i]);
    worksheet_write_string(sheet, r, kLast, note.c_str(), text);
    ++r;
  }
  ++r;
  worksheet_merge_range(
      sheet, r, 0, r + 1, kLast,
      "Ghi chú: tỷ lệ tính trên tổng chi ngân sách nhà nước (không gồm học "
      "phí, xã hội hóa); mức tối thiểu làm tròn lên đến đồng; chênh lệch âm là "
      "còn thiếu so với mức tối thiểu.",
      f.note);
  WriteSignatures(sheet, f, r + 3, kLast);

  worksheet_set_column(sheet, 0, 0, 6, nullptr);
  worksheet_set_column(sheet, 1, 1, 34, nullptr);
  worksheet_set_column(sheet, 2, 2, 7, nullptr);
  worksheet_set_column(sheet, 3, 13, 14, nullptr);
  worksheet_set_column(sheet, 14, 14, 22, nullptr);
  PageSetup(sheet, h, h + 2);
  worksheet_freeze_panes(sheet, h + 3, 2);
  return workbook.Finish();
}

absl::StatusOr<std::string> ExecutionWorkbook(const v1::ExecutionTable& table,
                                              const ReportHeading& heading) {
  Workbook workbook;
  if (workbook.book() == nullptr) return workbook.Finish();
  const Formats f = MakeFormats(workbook.book());
  lxw_worksheet* sheet =
      workbook_add_worksheet(workbook.book(), "Dự toán - Thực hiện");
  constexpr lxw_col_t kLast = 6;
  lxw_row_t r = WriteTop(
      sheet, f, heading, kLast,
      absl::StrCat("BẢNG SO SÁNH DỰ TOÁN VÀ THỰC HIỆN CHI NGÂN SÁCH NĂM ",
                   table.fiscal_year()),
      table.display_name());
  const lxw_row_t h = r;
  const char* header[] = {"STT",       "Nội dung",  "Dự toán",
                          "Dự toán điều chỉnh", "Thực hiện", "Quyết toán",
                          "Tỷ lệ thực hiện so với dự toán (%)"};
  const char* numbers[] = {"A", "B", "(1)", "(2)", "(3)", "(4)",
                           "(5)=(3)/(2) hoặc (3)/(1)"};
  for (int i = 0; i <= static_cast<int>(kLast); ++i) {
    worksheet_write_string(sheet, h, i, header[i], f.header);
    worksheet_write_string(sheet, h + 1, i, numbers[i], f.column_number);
  }
  r = h + 2;
  for (const v1::ExecutionRow& row : table.rows()) {
    const bool bold = row.depth() <= 1;
    lxw_format* amount = bold ? f.amount_bold : f.amount;
    worksheet_write_string(sheet, r, 0, row.number().c_str(),
                           bold ? f.center_bold : f.center);
    worksheet_write_string(sheet, r, 1, row.label().c_str(),
                           bold ? f.text_bold : f.text);
    const int64_t values[] = {row.estimate_dong(), row.adjusted_estimate_dong(),
                              row.execution_dong(), row.final_accounts_dong()};
    for (int i = 0; i < 4; ++i) {
      const bool has_stage = !table.budget_versions(i).empty();
      worksheet_write_string(sheet, r, 2 + i,
                             has_stage ? Millions(values[i]).c_str() : "",
                             amount);
    }
    worksheet_write_string(sheet, r, 6,
                           VietnamesePercent(row.execution_percent()).c_str(),
                           amount);
    ++r;
  }
  ++r;
  worksheet_merge_range(
      sheet, r, 0, r + 1, kLast,
      "Ghi chú: số liệu mỗi giai đoạn là phiên bản hiện hành; ô trống là giai "
      "đoạn chưa có số liệu. Tỷ lệ thực hiện so với dự toán điều chỉnh nếu có, "
      "nếu không so với dự toán.",
      f.note);
  WriteSignatures(sheet, f, r + 3, kLast);
  worksheet_set_column(sheet, 0, 0, 6, nullptr);
  worksheet_set_column(sheet, 1, 1, 44, nullptr);
  worksheet_set_column(sheet, 2, 5, 16, nullptr);
  worksheet_set_column(sheet, 6, 6, 16, nullptr);
  PageSetup(sheet, h, h + 1);
  return workbook.Finish();
}

}  // namespace hpedu::budget
