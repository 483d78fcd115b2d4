// The budget service's city-wide compliance report over ten years of data
// (the city and every commune, 2017-2026, every stage: the demo generator's
// budgets), end to end over gRPC, as p50/p99, against the equivalent
// hand-written SQL on the same database in the same run: once summing the
// lines of each current version, once reading the version totals the
// service keeps. Also the import's throughput, and the allowance what-if
// with its headcounts from a real staffing service (a synthetic roster of
// every school the demo registry lists), against staffing's GetHeadcount
// alone.
//
//   cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/release --target budget_bench
//   build/release/tests/bench/budget_bench [--iterations=N]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/budget/budget_definition.h"
#include "services/budget/demo/demo_budget.h"
#include "services/budget/line_import.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu {
namespace {

namespace bv1 = ::hpedu::budget::v1;
namespace rv1 = ::hpedu::registry::v1;
namespace sv1 = ::hpedu::staffing::v1;

constexpr int kFirstYear = 2017;
constexpr int kLastYear = 2026;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "budget_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) Die(absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Minutes(10)));
  return context;
}

// p50 and p99 of `iterations` timed calls of `fn`, in milliseconds, after
// one warm-up call.
template <typename Fn>
std::pair<double, double> Percentiles(int iterations, Fn&& fn) {
  fn();
  std::vector<double> ms;
  for (int i = 0; i < iterations; ++i) {
    const absl::Time start = absl::Now();
    fn();
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  return {at(0.5), at(0.99)};
}

// A synthetic roster: at every school of `units` valid today, per level it
// teaches, 20 teachers, 1 manager and 2 staff.
std::vector<staffing::RosterLine> SyntheticRoster(
    const std::vector<rv1::Unit>& units) {
  const std::pair<rv1::SchoolLevel, const char*> kLevels[] = {
      {rv1::MN, "MN"}, {rv1::TH, "TH"}, {rv1::THCS, "THCS"}, {rv1::THPT, "THPT"}};
  std::vector<staffing::RosterLine> roster;
  for (const rv1::Unit& unit : units) {
    if (unit.kind() != rv1::SCHOOL || unit.has_valid_until()) continue;
    for (const auto& [level, code] : kLevels) {
      if (std::find(unit.school().levels().begin(), unit.school().levels().end(),
                    level) == unit.school().levels().end()) {
        continue;
      }
      for (int i = 0; i < 23; ++i) {
        staffing::RosterLine line;
        line.staff_id = absl::StrCat("b-", roster.size() + 1);
        line.display_name = "Nguyễn Thị Lan";
        line.birth_year = 1985;
        line.sex = sv1::FEMALE;
        line.employment = sv1::PERMANENT;
        line.qualification = sv1::BACHELOR;
        line.placement.set_school(unit.name().substr(6));
        line.placement.set_position(i < 20 ? sv1::TEACHER
                                    : i < 21 ? sv1::MANAGER
                                             : sv1::STAFF);
        line.placement.set_level(code);
        line.start_date = absl::CivilDay(2020, 9, 1);
        line.generated = true;
        roster.push_back(std::move(line));
      }
    }
  }
  return roster;
}

// The report of the service, in SQL: each budget's current version at the
// stage, its state-budget lines summed by rule, the local total per year,
// the shares and the gaps against 20% and 5%.
constexpr char kReportFromLines[] =
    "WITH cur AS ("
    "  SELECT DISTINCT ON (budget_unit, fiscal_year) budget_unit, fiscal_year,"
    "    stage, version FROM budget_versions"
    "  WHERE stage = $1 AND fiscal_year BETWEEN $2 AND $3"
    "  ORDER BY budget_unit, fiscal_year, version DESC),"
    " sums AS ("
    "  SELECT c.budget_unit, c.fiscal_year,"
    "    coalesce(sum(l.amount_dong) FILTER (WHERE l.source = 'STATE_BUDGET'), 0) AS base,"
    "    coalesce(sum(l.amount_dong) FILTER (WHERE l.source = 'STATE_BUDGET'"
    "      AND l.function = 'EDUCATION_TRAINING'), 0) AS edu,"
    "    coalesce(sum(l.amount_dong) FILTER (WHERE l.source = 'STATE_BUDGET'"
    "      AND l.function = 'EDUCATION_TRAINING'"
    "      AND l.economic_type = 'DEVELOPMENT_INVESTMENT'), 0) AS inv"
    "  FROM cur c JOIN budget_lines l ON l.budget_unit = c.budget_unit"
    "    AND l.fiscal_year = c.fiscal_year AND l.stage = c.stage"
    "    AND l.version = c.version"
    "  GROUP BY GROUPING SETS ((c.budget_unit, c.fiscal_year), (c.fiscal_year)))"
    " SELECT budget_unit, fiscal_year, base, edu, inv,"
    "   round(100 * edu / nullif(base, 0), 2), edu - ceil(base * 20 / 100.0),"
    "   round(100 * inv / nullif(base, 0), 2), inv - ceil(base * 5 / 100.0)"
    " FROM sums ORDER BY fiscal_year, budget_unit NULLS FIRST";

constexpr char kReportFromTotals[] =
    "WITH cur AS ("
    "  SELECT DISTINCT ON (budget_unit, fiscal_year) budget_unit, fiscal_year,"
    "    state_total_dong AS base, state_education_dong AS edu,"
    "    state_education_investment_dong AS inv FROM budget_versions"
    "  WHERE stage = $1 AND fiscal_year BETWEEN $2 AND $3"
    "  ORDER BY budget_unit, fiscal_year, version DESC),"
    " sums AS (SELECT budget_unit, fiscal_year, sum(base) AS base,"
    "   sum(edu) AS edu, sum(inv) AS inv FROM cur"
    "  GROUP BY GROUPING SETS ((budget_unit, fiscal_year), (fiscal_year)))"
    " SELECT budget_unit, fiscal_year, base, edu, inv,"
    "   round(100 * edu / nullif(base, 0), 2), edu - ceil(base * 20 / 100.0),"
    "   round(100 * inv / nullif(base, 0), 2), inv - ceil(base * 5 / 100.0)"
    " FROM sums ORDER BY fiscal_year, budget_unit NULLS FIRST";

}  // namespace
}  // namespace hpedu

int main(int argc, char** argv) {
  using namespace hpedu;
  int iterations = 200;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--iterations=") &&
        absl::SimpleAtoi(arg, &iterations) && iterations > 0) {
      continue;
    }
    std::fprintf(stderr, "usage: %s [--iterations=N]\n", argv[0]);
    return 2;
  }
  const registry::testing::DemoRegistry& registry =
      registry::testing::SharedDemoRegistry();
  testing::PostgresServer& pg = testing::SharedPostgresServer();
  const std::string database = Must(pg.CreateDatabase(), "database");
  const std::string db = Must(pg.ProvisionService(database, "budget"), "provision");
  // Staffing, for the what-if's headcounts.
  const std::string staffing_db =
      Must(pg.ProvisionService(database, "staffing"), "provision staffing");
  server::ServerConfig staffing_config =
      testing::TestServerConfig("staffing", staffing_db);
  staffing_config.peer_addresses["registry"] = registry.address;
  staffing_config.default_deadline = absl::Minutes(10);
  staffing_config.max_message_bytes = 64 << 20;
  std::unique_ptr<server::ServiceHost> staffing_host = Must(
      server::ServiceHost::Start(staffing_config, staffing::Definition()),
      "start staffing");
  const std::string staffing_address =
      absl::StrCat("127.0.0.1:", staffing_host->port());
  auto staffing_stub = sv1::StaffingService::NewStub(
      testing::TestIdentity::Channel(
          staffing_address,
          testing::TestIdentity::Token(auth::Role::kLeadership)));
  const std::vector<staffing::RosterLine> roster =
      SyntheticRoster(registry.units);
  {
    sv1::ImportRosterRequest request;
    request.set_csv_content(staffing::FormatRosterCsv(roster));
    sv1::ImportResponse response;
    const grpc::Status status =
        staffing_stub->ImportRoster(Context().get(), request, &response);
    if (!status.ok()) Die("roster: " + status.error_message());
  }

  server::ServerConfig config = testing::TestServerConfig("budget", db);
  config.peer_addresses["registry"] = registry.address;
  config.peer_addresses["staffing"] = staffing_address;
  config.default_deadline = absl::Minutes(10);
  config.max_message_bytes = 64 << 20;
  std::unique_ptr<server::ServiceHost> host =
      Must(server::ServiceHost::Start(config, budget::Definition()), "start");
  auto stub = bv1::BudgetService::NewStub(testing::TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", host->port()),
      testing::TestIdentity::Token(auth::Role::kLeadership)));

  // Ten years of every budget, imported a year at a time.
  budget::demo::DemoOptions options;
  options.first_year = kFirstYear;
  options.last_year = kLastYear;
  std::map<int, std::vector<budget::VersionDraft>> by_year;
  size_t lines = 0;
  for (budget::VersionDraft& draft : budget::demo::DemoBudgets(registry.units, options)) {
    lines += draft.lines.size();
    by_year[draft.budget.year].push_back(std::move(draft));
  }
  size_t versions = 0;
  const absl::Time load_start = absl::Now();
  for (const auto& [year, drafts] : by_year) {
    bv1::ImportBudgetLinesRequest request;
    request.set_csv_content(budget::FormatBudgetLinesCsv(drafts));
    bv1::ImportBudgetLinesResponse response;
    const grpc::Status status =
        stub->ImportBudgetLines(Context().get(), request, &response);
    if (!status.ok()) Die("import: " + status.error_message());
    versions += response.versions_created();
  }
  const double load_s = absl::ToDoubleSeconds(absl::Now() - load_start);
  std::printf("loaded %zu versions, %zu lines (%d-%d) in %.2f s: %.0f lines/s "
              "through ImportBudgetLines\n",
              versions, lines, kFirstYear, kLastYear, load_s, lines / load_s);
  {
    pqxx::connection analyze(db);
    pqxx::nontransaction(analyze).exec("ANALYZE");
  }

  bv1::GetComplianceReportRequest request;
  request.set_first_year(kFirstYear);
  request.set_last_year(kLastYear);
  request.set_stage(bv1::EXECUTION);
  size_t rows = 0;
  const auto service = Percentiles(iterations, [&] {
    bv1::ComplianceReport report;
    const grpc::Status status =
        stub->GetComplianceReport(Context().get(), request, &report);
    if (!status.ok()) Die("report: " + status.error_message());
    rows = report.rows_size();
  });
  pqxx::connection connection(db);
  connection.prepare("from_lines", kReportFromLines);
  connection.prepare("from_totals", kReportFromTotals);
  size_t sql_rows = 0;
  auto sql = [&](const char* statement) {
    return Percentiles(iterations, [&] {
      pqxx::read_transaction tx(connection);
      const pqxx::result result =
          tx.exec_prepared(statement, "EXECUTION", kFirstYear, kLastYear);
      sql_rows = result.size();
    });
  };
  const auto from_lines = sql("from_lines");
  const auto from_totals = sql("from_totals");
  std::printf(
      "city-wide compliance report, %d-%d, execution (%zu rows, %zu from "
      "SQL):\n"
      "  service over gRPC       p50 %6.2f ms  p99 %6.2f ms\n"
      "  SQL summing the lines   p50 %6.2f ms  p99 %6.2f ms\n"
      "  SQL over version totals p50 %6.2f ms  p99 %6.2f ms\n"
      "  service / SQL-lines (p50) = %.2f; service / SQL-totals (p50) = %.2f\n",
      kFirstYear, kLastYear, rows, sql_rows, service.first, service.second,
      from_lines.first, from_lines.second, from_totals.first,
      from_totals.second, service.first / from_lines.first,
      service.first / from_totals.first);

  // The what-if for the whole city, and staffing's count alone.
  bv1::EstimateAllowanceCostRequest what_if;
  what_if.set_fiscal_year(kLastYear);
  const std::pair<bv1::SubSector, const char*> kGroups[] = {
      {bv1::PRESCHOOL, "Giáo viên mầm non"},
      {bv1::PRIMARY, "Giáo viên tiểu học"},
      {bv1::LOWER_SECONDARY, "Giáo viên THCS"},
      {bv1::UPPER_SECONDARY, "Giáo viên THPT"}};
  for (const auto& [level, label] : kGroups) {
    bv1::AllowanceGroup& group = *what_if.add_groups();
    group.set_label(label);
    group.set_category(bv1::TEACHER);
    group.set_sub_sector(level);
    group.set_average_coefficient("4.32");
    group.set_current_rate_percent(35);
  }
  bv1::AllowanceGroup& staff = *what_if.add_groups();
  staff.set_label("Nhân viên");
  staff.set_category(bv1::SCHOOL_STAFF);
  staff.set_average_coefficient("2.10");
  bv1::AllowanceCostEstimate estimate;
  const auto allowance = Percentiles(iterations, [&] {
    const grpc::Status status =
        stub->EstimateAllowanceCost(Context().get(), what_if, &estimate);
    if (!status.ok()) Die("what-if: " + status.error_message());
  });
  sv1::GetHeadcountRequest heads;
  *heads.mutable_as_of() = api::ToProtoDate(api::TodayInVietnam());
  const auto headcount = Percentiles(iterations, [&] {
    sv1::GetHeadcountResponse response;
    const grpc::Status status =
        staffing_stub->GetHeadcount(Context().get(), heads, &response);
    if (!status.ok()) Die("headcount: " + status.error_message());
  });
  int64_t people = 0;
  for (const bv1::AllowanceGroupCost& group : estimate.groups()) {
    people += group.headcount();
  }
  std::printf(
      "allowance what-if, city-wide (%zu people on the roster, %lld costed, "
      "%lld đồng a year):\n"
      "  EstimateAllowanceCost    p50 %6.2f ms  p99 %6.2f ms\n"
      "  staffing GetHeadcount    p50 %6.2f ms  p99 %6.2f ms\n",
      roster.size(), static_cast<long long>(people),
      static_cast<long long>(estimate.total_yearly_increase_dong()),
      allowance.first, allowance.second, headcount.first, headcount.second);

  host->Shutdown(absl::Seconds(5));
  host->Wait();
  staffing_host->Shutdown(absl::Seconds(5));
  staffing_host->Wait();
  return 0;
}
