// The indicators schema's migrations over data written by the schema before
// them: 0002 keeps every revision of every value (the current one now lives
// only in reported_values, with its request id) and builds the city totals
// from the stored values.
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "gtest/gtest.h"
#include "libs/db/migrations.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"
#include "services/indicators/indicators_definition.h"

namespace hpedu::indicators {
namespace {

TEST(IndicatorsMigrationsTest, TotalsAndHistoryFromDataWrittenBefore) {
  hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
  ASSERT_OK_AND_ASSIGN(const std::string database, pg.CreateDatabase());
  ASSERT_OK_AND_ASSIGN(const std::string conninfo,
                       pg.ProvisionService(database, "indicators"));
  const std::vector<db::Migration>& all = Migrations();
  ASSERT_GE(all.size(), 2u);
  ASSERT_OK(db::ApplyMigrations(conninfo, "indicators", {all[0]}));

  pqxx::connection connection(conninfo);
  {
    // As the first schema's store wrote them: every revision, the current
    // one included, in reported_value_revisions.
    pqxx::work tx(connection);
    tx.exec(
        "INSERT INTO indicators (id, code, display_name, unit_label, kind, "
        "  factor, condition_threshold, direction, reporting_level, "
        "  period_type) VALUES "
        "('hp-02', 'HP-02', 'Tỷ lệ', '%', 'RATIO', 100, NULL, "
        "  'HIGHER_IS_BETTER', 'COMMUNE', 'SCHOOL_YEAR'), "
        "('hp-05', 'HP-05', 'Số xã', 'xã', 'UNIT_COUNT', 0, 3, "
        "  'HIGHER_IS_BETTER', 'COMMUNE', 'SCHOOL_YEAR')");
    tx.exec(
        "INSERT INTO reported_values (indicator_id, org_unit, period, "
        "  period_ordinal, numerator, denominator, value, provenance, "
        "  reporter, revision, definition_version) VALUES "
        "('hp-02', 'phuong-do-son', '2025-2026', 2025, 95, 100, NULL, "
        "  'ENTERED', 'a', 2, 1), "
        "('hp-02', 'phuong-duong-kinh', '2025-2026', 2025, 40, 50, NULL, "
        "  'IMPORTED', 'b', 1, 1), "
        "('hp-05', 'phuong-do-son', '2025-2026', 2025, NULL, NULL, 3, "
        "  'IMPORTED', 'b', 1, 1), "
        "('hp-05', 'phuong-duong-kinh', '2025-2026', 2025, NULL, NULL, 2, "
        "  'IMPORTED', 'b', 1, 1)");
    tx.exec(
        "INSERT INTO reported_value_revisions (indicator_id, org_unit, "
        "  period, disaggregation, revision, numerator, denominator, value, "
        "  provenance, reporter, report_time, definition_version, outlier, "
        "  generated, request_id) VALUES "
        "('hp-02', 'phuong-do-son', '2025-2026', '', 1, 90, 100, NULL, "
        "  'ENTERED', 'a', now(), 1, false, false, 'r1'), "
        "('hp-02', 'phuong-do-son', '2025-2026', '', 2, 95, 100, NULL, "
        "  'ENTERED', 'a', now(), 1, false, false, 'r2'), "
        "('hp-02', 'phuong-duong-kinh', '2025-2026', '', 1, 40, 50, NULL, "
        "  'IMPORTED', 'b', now(), 1, false, false, NULL), "
        "('hp-05', 'phuong-do-son', '2025-2026', '', 1, NULL, NULL, 3, "
        "  'IMPORTED', 'b', now(), 1, false, false, NULL), "
        "('hp-05', 'phuong-duong-kinh', '2025-2026', '', 1, NULL, NULL, 2, "
        "  'IMPORTED', 'b', now(), 1, false, false, NULL)");
    tx.commit();
  }
  ASSERT_OK(db::ApplyMigrations(conninfo, "indicators", all));

  pqxx::read_transaction tx(connection);
  // The superseded revision stays in the history, with its request id; the
  // current one's request id moved with it into reported_values.
  const pqxx::result history = tx.exec(
      "SELECT indicator_id, org_unit, revision, numerator, request_id "
      "FROM reported_value_revisions ORDER BY 1, 2, 3");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0][1].as<std::string>(), "phuong-do-son");
  EXPECT_EQ(history[0][2].as<int>(), 1);
  EXPECT_EQ(history[0][3].as<int>(), 90);
  EXPECT_EQ(history[0][4].as<std::string>(), "r1");
  const pqxx::result current = tx.exec(
      "SELECT request_id FROM reported_values "
      "WHERE indicator_id = 'hp-02' AND org_unit = 'phuong-do-son'");
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(current[0][0].as<std::string>(), "r2");

  // Totals over all disaggregations: 95 + 40 of 100 + 50 from two units;
  // one of the two levels meets level 3.
  const pqxx::result totals = tx.exec(
      "SELECT indicator_id, numerator, denominator, value_count, reporters, "
      "  meeting, plain_value IS NULL "
      "FROM value_totals WHERE all_disaggregations ORDER BY 1");
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[0][0].as<std::string>(), "hp-02");
  EXPECT_EQ(totals[0][1].as<int>(), 135);
  EXPECT_EQ(totals[0][2].as<int>(), 150);
  EXPECT_EQ(totals[0][3].as<int>(), 2);
  EXPECT_EQ(totals[0][4].as<int>(), 2);
  EXPECT_EQ(totals[0][5].as<int>(), 0);
  EXPECT_EQ(totals[1][0].as<std::string>(), "hp-05");
  EXPECT_EQ(totals[1][5].as<int>(), 1);
  EXPECT_TRUE(totals[1][6].as<bool>());  // two values: no single value
}

}  // namespace
}  // namespace hpedu::indicators
