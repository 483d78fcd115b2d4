#include "services/cli/table.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "libs/text/vietnamese.h"

namespace hpedu::cli {
namespace {

using ::hpedu::registry::v1::Unit;
using ::testing::ElementsAre;

std::vector<std::string> Names(
    const std::vector<const google::protobuf::FieldDescriptor*>& fields) {
  std::vector<std::string> names;
  for (const auto* field : fields) names.push_back(field->name());
  return names;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end = text.find('\n'); end != std::string::npos;
       end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(ChooseColumnsTest, PicksNameFirstAndSkipsNoise) {
  EXPECT_THAT(Names(ChooseColumns(*Unit::descriptor())),
              ElementsAre("name", "display_name", "kind", "parent",
                          "valid_from", "valid_until"));
}

TEST(CellTextTest, FormatsEnumsDatesAndRepeated) {
  Unit unit;
  unit.set_name("units/do-son");
  unit.set_kind(hpedu::registry::v1::WARD);
  unit.mutable_valid_from()->set_year(2025);
  unit.mutable_valid_from()->set_month(7);
  unit.mutable_valid_from()->set_day(1);
  unit.add_predecessors("units/a");
  unit.add_predecessors("units/b");
  const auto* descriptor = Unit::descriptor();
  EXPECT_EQ(CellText(unit, *descriptor->FindFieldByName("kind")), "WARD");
  EXPECT_EQ(CellText(unit, *descriptor->FindFieldByName("valid_from")),
            "2025-07-01");
  EXPECT_EQ(CellText(unit, *descriptor->FindFieldByName("valid_until")), "");
  EXPECT_EQ(CellText(unit, *descriptor->FindFieldByName("predecessors")),
            "units/a,units/b");
  EXPECT_EQ(CellText(unit, *descriptor->FindFieldByName("generated")), "false");
  Unit empty;
  EXPECT_EQ(CellText(empty, *descriptor->FindFieldByName("kind")), "");
}

TEST(FormatTableTest, AlignsVietnameseByDisplayWidth) {
  const std::string table =
      FormatTable({"name", "display_name", "kind"},
                  {{"units/do-son", "Phường Đồ Sơn", "WARD"},
                   // Decomposed marks: more bytes, same width.
                   {"units/x", "Đo\xCC\x82\xCC\x80 Sơn", "COMMUNE"}});
  const std::vector<std::string> lines = Lines(table);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "name          display_name   kind");
  EXPECT_EQ(lines[2], "units/do-son  Phường Đồ Sơn  WARD");
  EXPECT_EQ(lines[3], "units/x       Đo\xCC\x82\xCC\x80 Sơn         COMMUNE");
  // The "kind" column starts at the same display column on every line.
  for (const std::string& line : {lines[0], lines[2], lines[3]}) {
    const size_t kind = line.rfind("  ") + 2;
    EXPECT_EQ(text::DisplayWidth(line.substr(0, kind)), 29u) << line;
  }
  EXPECT_EQ(lines[1].substr(0, 3 * 3), "───");
}

TEST(FormatTableTest, CutsLongCellsAndPadsShortRows) {
  const std::string table =
      FormatTable({"a", "b"}, {{"Trường Trung học phổ thông"}, {"x", "y\nz"}},
                  /*max_cell_width=*/10);
  const std::vector<std::string> lines = Lines(table);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2], "Trường Tr…");
  EXPECT_EQ(text::DisplayWidth(lines[2]), 10u);
  EXPECT_EQ(lines[3], "x           y z");
}

TEST(FormatTableTest, EmptyTableHasHeaderOnly) {
  EXPECT_EQ(FormatTable({"name"}, {}), "name\n────\n");
}

}  // namespace
}  // namespace hpedu::cli
