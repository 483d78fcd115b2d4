#include "services/plans/document_import.h"

#include <fstream>
#include <map>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/status/status_matchers.h"
#include "services/plans/task_import.h"

namespace hpedu::plans {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::testing::HasSubstr;

std::string ReadDemoFile(const std::string& name) {
  std::ifstream file(std::string(HPEDU_PLANS_DEMO_DIR) + "/" + name);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

TEST(DocumentIdForTest, SlugOfTheNumber) {
  EXPECT_EQ(DocumentIdFor("02-CTr/TU"), "d-02-ctr-tu");
  EXPECT_EQ(DocumentIdFor("07-CTr/ĐU"), "d-07-ctr-du");
  EXPECT_EQ(DocumentIdFor("1042/QĐ-UBND"), "d-1042-qd-ubnd");
  EXPECT_EQ(DocumentIdFor("  "), "");
}

TEST(ParseDocumentsCsvTest, TheSeedChainInDependencyOrder) {
  ASSERT_OK_AND_ASSIGN(std::vector<DocumentRow> rows,
                       ParseDocumentsCsv(ReadDemoFile("plan_documents.csv")));
  ASSERT_EQ(rows.size(), 19u);
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < rows.size(); ++i) position[rows[i].id] = i;
  for (const DocumentRow& row : rows) {
    for (const std::string& implemented : row.implements_ids) {
      ASSERT_TRUE(position.count(implemented)) << implemented;
      EXPECT_LT(position[implemented], position[row.id]) << row.id;
    }
  }
  const DocumentRow& doson = rows[position["d-kh-ubnd-doson-nq71"]];
  EXPECT_EQ(doson.implements_ids.size(), 3u);
  EXPECT_FALSE(doson.document.has_issue_date());  // not in the seed
  const DocumentRow& nq51 = rows[position["d-kh-ubnd-hp-nq51"]];
  EXPECT_FALSE(nq51.document.has_issue_date());  // a bare year, "2025"
  EXPECT_EQ(rows[position["d-02-ctr-tu"]].document.kind(), v1::ACTION_PROGRAMME);
  EXPECT_EQ(rows[position["d-02-ctr-tu"]].document.level(), v1::CITY_PARTY);
}

TEST(ParseDocumentsCsvTest, ACycleInTheFileIsRefused) {
  const std::string csv =
      "number,kind,issuer,level,issued_on,title,implements,source_seed\n"
      "A-1,Kế hoạch,Bộ Chính trị,central_party,2025-01-01,A,B-2,\n"
      "B-2,Kế hoạch,Bộ Chính trị,central_party,2025-01-01,B,A-1,\n"
      "C-3,Công văn,,nowhere,2025-13-01,,,\n";
  const absl::Status status = ParseDocumentsCsv(csv).status();
  EXPECT_THAT(status, HasFieldViolation("csv_content"));
  std::string all;
  const google::rpc::BadRequest bad = GetBadRequest(status);
  for (const auto& v : bad.field_violations()) {
    all += v.description() + "\n";
  }
  EXPECT_THAT(all, HasSubstr("dòng 4, cột kind"));
  EXPECT_THAT(all, HasSubstr("dòng 4, cột issuer"));
  EXPECT_THAT(all, HasSubstr("dòng 4, cột level"));
  EXPECT_THAT(all, HasSubstr("dòng 4, cột issued_on"));
  EXPECT_THAT(all, HasSubstr("dòng 4, cột title"));
  // The cycle is reported once the lines themselves are fine.
  const std::string cycle =
      "number,kind,issuer,level,issued_on,title,implements,source_seed\n"
      "A-1,Kế hoạch,Bộ Chính trị,central_party,2025-01-01,A,B-2,\n"
      "B-2,Kế hoạch,Bộ Chính trị,central_party,2025-01-01,B,A-1,\n";
  const absl::Status cycle_status = ParseDocumentsCsv(cycle).status();
  EXPECT_THAT(cycle_status, HasFieldViolation("csv_content"));
  EXPECT_THAT(std::string(cycle_status.message()), HasSubstr("implements"));
}

TEST(ParseTasksCsvTest, AllThirtyEightTasksOfTheSeedAppendix) {
  ASSERT_OK_AND_ASSIGN(
      std::vector<TaskRow> rows,
      ParseTasksCsv(ReadDemoFile("tasks_kh_51nqcp_appendix.csv"), "d-kh"));
  ASSERT_EQ(rows.size(), 38u);
  std::map<v1::TimeForm, int> forms;
  for (const TaskRow& row : rows) ++forms[row.time.form];
  EXPECT_EQ(forms[v1::MONTH], 36);
  EXPECT_EQ(forms[v1::YEAR_RANGE], 1);  // "2025-2030"
  EXPECT_EQ(forms[v1::FREE_TEXT], 1);   // "Theo lộ trình sửa các Luật..."
  EXPECT_EQ(rows[0].id, "i-1");
  EXPECT_EQ(rows[37].id, "iii-18");
}

TEST(SameImportedDocumentTest, NumberKindLevelIssuerAndTitleMustAgree) {
  v1::Document stored;
  stored.set_number("02-CTr/TU");
  stored.set_kind(v1::DocumentKind(1));
  stored.set_level(v1::DocumentLevel(1));
  stored.set_issuer("units/thanh-uy");
  stored.set_title("Chương trình");
  v1::Document next = stored;
  next.set_issuer_text("Thành ủy");  // not compared
  EXPECT_TRUE(SameImportedDocument(stored, next));
  next.set_title("Chương trình khác");
  EXPECT_FALSE(SameImportedDocument(stored, next));
  next = stored;
  next.set_issuer("units/ubnd");
  EXPECT_FALSE(SameImportedDocument(stored, next));
}

}  // namespace
}  // namespace hpedu::plans
