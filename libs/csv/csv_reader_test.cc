#include "libs/csv/csv_reader.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/errors.h"
#include "libs/status/status_matchers.h"

namespace hpedu::csv {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::SizeIs;

std::vector<std::string> Descriptions(const absl::Status& status) {
  std::vector<std::string> out;
  const google::rpc::BadRequest bad_request = GetBadRequest(status);
  for (const auto& v : bad_request.field_violations()) {
    out.push_back(v.description());
  }
  return out;
}

TEST(CsvTableTest, ParsesSimpleFile) {
  absl::StatusOr<CsvTable> table = CsvTable::Parse(
      "id,kind,display_name\nds,WARD,Phường Đồ Sơn\n"
      "dk,WARD,Phường Dương Kinh\n");
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->header(), ElementsAre("id", "kind", "display_name"));
  ASSERT_THAT(table->records(), SizeIs(2));
  EXPECT_EQ(table->records()[0].line, 2);
  EXPECT_THAT(table->records()[0].fields,
              ElementsAre("ds", "WARD", "Phường Đồ Sơn"));
  EXPECT_EQ(table->records()[1].line, 3);
}

TEST(CsvTableTest, HandlesQuotesCrlfAndBom) {
  absl::StatusOr<CsvTable> table = CsvTable::Parse(
      "\xEF\xBB\xBF"
      "id,note\r\n"
      "a,\"có, dấu phẩy\"\r\n"
      "b,\"nói \"\"xin chào\"\"\"\r\n"
      "c,\"hai\r\ndòng\"\r\n"
      "d,\"\"\r\n"
      "e,last");
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->header(), ElementsAre("id", "note"));
  const auto& records = table->records();
  ASSERT_THAT(records, SizeIs(5));
  EXPECT_THAT(records[0].fields, ElementsAre("a", "có, dấu phẩy"));
  EXPECT_THAT(records[1].fields, ElementsAre("b", "nói \"xin chào\""));
  EXPECT_THAT(records[2].fields, ElementsAre("c", "hai\r\ndòng"));
  EXPECT_EQ(records[2].line, 4);
  EXPECT_THAT(records[3].fields, ElementsAre("d", ""));
  EXPECT_EQ(records[3].line, 6);  // The quoted line break counted.
  EXPECT_THAT(records[4].fields, ElementsAre("e", "last"));
}

TEST(CsvTableTest, SkipsBlankLinesAndTrimsHeader) {
  absl::StatusOr<CsvTable> table =
      CsvTable::Parse("\n id , kind\n\nx,WARD\n\n");
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->header(), ElementsAre("id", "kind"));
  ASSERT_THAT(table->records(), SizeIs(1));
  EXPECT_EQ(table->records()[0].line, 4);
  EXPECT_EQ(table->ColumnIndex("kind"), 1);
  EXPECT_EQ(table->ColumnIndex("parent"), -1);
}

TEST(CsvTableTest, EmptyTrailingFieldsAreKept) {
  absl::StatusOr<CsvTable> table = CsvTable::Parse("a,b,c\n1,,\n");
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->records()[0].fields, ElementsAre("1", "", ""));
}

TEST(CsvTableTest, ReportsEveryErrorWithLineAndColumn) {
  absl::Status status = CsvTable::Parse(
                            "id,kind,name\n"
                            "a,WARD\n"          // Too few.
                            "b,WARD,x,extra\n"  // Too many.
                            "c,WA\"RD,x\n"      // Stray quote.
                            "d,\"WARD\"x,y\n"   // After quote.
                            "e,\xFF,z\n"        // Not UTF-8.
                            "f,WARD,ok\n",
                            "unit_csv")
                            .status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status, HasFieldViolation("unit_csv"));
  EXPECT_THAT(
      Descriptions(status),
      ElementsAre(HasSubstr("dòng 2, cột 3 (name): dòng có 2 cột"),
                  HasSubstr("dòng 3, cột 4: dòng có 4 cột"),
                  HasSubstr("dòng 4, cột 2 (kind): dấu ngoặc kép"),
                  HasSubstr("dòng 5, cột 2 (kind): ký tự thừa"),
                  HasSubstr("dòng 6, cột 2 (kind): không phải văn bản UTF-8")));
  EXPECT_EQ(GetErrorInfo(status).reason(), "INVALID_ARGUMENT");
}

TEST(CsvTableTest, ReportsUnterminatedQuoteAtItsStart) {
  absl::Status status =
      CsvTable::Parse("id,name\na,\"open\nb,c\nd,e\n").status();
  EXPECT_THAT(Descriptions(status),
              ElementsAre(HasSubstr("dòng 2, cột 2 (name): thiếu dấu ngoặc")));
}

TEST(CsvTableTest, InvalidUtf8InsideMultilineFieldNamesItsLine) {
  absl::Status status =
      CsvTable::Parse("id,name\na,\"x\ny\n\xC3(\"\n").status();
  EXPECT_THAT(Descriptions(status), ElementsAre(HasSubstr("dòng 4, cột 2")));
}

TEST(CsvTableTest, RejectsEmptyFileAndBadHeader) {
  EXPECT_THAT(Descriptions(CsvTable::Parse("").status()),
              ElementsAre(HasSubstr("dòng 1, cột 1: tệp trống")));
  EXPECT_THAT(Descriptions(CsvTable::Parse("\xEF\xBB\xBF\r\n").status()),
              ElementsAre(HasSubstr("tệp trống")));
  EXPECT_THAT(Descriptions(CsvTable::Parse("id,,id\n").status()),
              ElementsAre(HasSubstr("dòng 1, cột 2: tên cột trống"),
                          HasSubstr("dòng 1, cột 3 (id): tên cột bị lặp")));
}

TEST(CsvTableTest, CapsViolations) {
  std::string content = "a,b\n";
  for (int i = 0; i < 150; ++i) content += "only-one\n";
  absl::Status status = CsvTable::Parse(content).status();
  std::vector<std::string> descriptions = Descriptions(status);
  ASSERT_THAT(descriptions, SizeIs(LineErrors::kMaxViolations + 1));
  EXPECT_THAT(descriptions.back(), HasSubstr("và 50 lỗi khác"));
}

TEST(CsvTableTest, RequireColumnsListsMissing) {
  absl::StatusOr<CsvTable> table = CsvTable::Parse("id,kind\n", "file");
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->RequireColumns({"id", "kind"}), IsOk());
  absl::Status status = table->RequireColumns({"id", "parent", "valid_from"});
  EXPECT_THAT(status, HasFieldViolation("file"));
  EXPECT_THAT(Descriptions(status),
              ElementsAre(HasSubstr("dòng 1, cột parent: thiếu cột"),
                          HasSubstr("dòng 1, cột valid_from: thiếu cột")));
}

TEST(CsvTableTest, RoundTripsWriterOutput) {
  const std::vector<std::vector<std::string>> rows = {
      {"id", "note", "other"},
      {"a", "có, \"dấu\"\nvà dòng mới", " space "},
      {"b", "", "\r"},
  };
  std::string content;
  for (const auto& row : rows) content += CsvLine(row);
  absl::StatusOr<CsvTable> table = CsvTable::Parse(content);
  ASSERT_THAT(table, IsOk());
  EXPECT_EQ(table->header(), rows[0]);
  ASSERT_THAT(table->records(), SizeIs(2));
  EXPECT_EQ(table->records()[0].fields, rows[1]);
  EXPECT_EQ(table->records()[1].fields, rows[2]);
  EXPECT_EQ(table->records()[1].line, 4);
}

// Random and mutated input must never crash, hang or trip the sanitizers;
// any result is acceptable as long as errors are INVALID_ARGUMENT.
TEST(CsvTableRobustnessTest, RandomBytesNeverCrash) {
  std::mt19937 rng(20260101);
  const std::string alphabet = "ab,\"\r\n \xC3\xA1\xFF\xEF\xBB\xBF";
  for (int round = 0; round < 3000; ++round) {
    const size_t length = rng() % 64;
    std::string content;
    for (size_t i = 0; i < length; ++i) {
      if (round % 2 == 0) {
        content.push_back(static_cast<char>(rng() & 0xFF));
      } else {
        content.push_back(alphabet[rng() % alphabet.size()]);
      }
    }
    absl::StatusOr<CsvTable> table = CsvTable::Parse(content);
    if (table.ok()) {
      for (const CsvRecord& record : table->records()) {
        EXPECT_EQ(record.fields.size(), table->header().size());
        EXPECT_GE(record.line, 1);
      }
    } else {
      EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument)
          << table.status();
      EXPECT_FALSE(GetBadRequest(table.status()).field_violations().empty());
    }
  }
}

}  // namespace
}  // namespace hpedu::csv
