// The staffing service at Hai Phong's scale and at 25 times it: the
// city-wide shortage report (required against actual teachers, by commune
// and level) end to end over gRPC, as p50/p99, against the equivalent
// hand-written SQL on the same database in the same run; and the shortage
// view with its suggested transfers. The demo data (generated classes and
// rosters) is loaded through the service's imports, one roster per commune.
//
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/release --target staffing_bench
//   build/release/tests/bench/staffing_bench [--iterations=N] [--scale=25]
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/testing/postgres_server.h"
#include "services/registry/demo/demo_units.h"
#include "services/staffing/demo/demo_staffing.h"
#include "services/staffing/staff_import.h"
#include "services/staffing/staffing_definition.h"
#include "tests/bench/bench_support.h"

namespace hpedu {
namespace {

namespace sv1 = ::hpedu::staffing::v1;
namespace rv1 = ::hpedu::registry::v1;
using bench::Context;
using bench::Die;
using bench::Must;
using bench::Percentiles;
using bench::Time;

constexpr size_t kMaxRequestBytes = 7 << 20;

struct World {
  std::unique_ptr<server::ServiceHost> registry;
  std::unique_ptr<server::ServiceHost> staffing;
  std::string staffing_db;
  std::unique_ptr<sv1::StaffingService::Stub> stub;
  std::vector<rv1::Unit> units;
};

World Start(testing::PostgresServer& pg, int scale) {
  World world;
  world.units = bench::ScaledUnits(
      Must(registry::demo::DemoUnits(registry::demo::EmbeddedCommunesCsv()), "units"),
      scale);
  world.registry = bench::StartRegistry(pg, world.units);
  const std::string db = Must(pg.CreateDatabase(), "database");
  world.staffing_db = Must(pg.ProvisionService(db, "staffing"), "provision");
  server::ServerConfig config = bench::Config("staffing", world.staffing_db);
  config.peer_addresses["registry"] =
      absl::StrCat("127.0.0.1:", world.registry->port());
  world.staffing = Must(
      server::ServiceHost::Start(config, staffing::Definition()), "staffing");
  world.stub = sv1::StaffingService::NewStub(bench::LeadershipChannel(
      absl::StrCat("127.0.0.1:", world.staffing->port())));
  return world;
}

std::vector<staffing::NormRule> Norms(World& world) {
  sv1::ListNormsResponse response;
  const grpc::Status status =
      world.stub->ListNorms(Context().get(), sv1::ListNormsRequest(), &response);
  if (!status.ok()) Die("ListNorms: " + status.error_message());
  std::vector<staffing::NormRule> norms;
  for (const sv1::Norm& n : response.norms()) {
    staffing::NormRule rule;
    rule.level = n.level();
    rule.grade = n.grade();
    rule.sessions_per_day = n.sessions_per_day();
    rule.subject = n.subject();
    rule.teachers_per_class_milli =
        Must(staffing::ParseMilli(n.teachers_per_class(), "norm"), "norm");
    rule.valid_from = Must(api::FromProtoDate(n.valid_from(), "norm"), "norm");
    if (n.has_valid_until()) {
      rule.valid_until = Must(api::FromProtoDate(n.valid_until(), "norm"), "norm");
    }
    norms.push_back(std::move(rule));
  }
  return norms;
}

// Loads the demo of the base city into every copy (school and staff ids
// suffixed as ScaledUnits suffixes the units); returns the staff count.
size_t Load(World& world, int scale) {
  const std::vector<rv1::Unit> base =
      Must(registry::demo::DemoUnits(registry::demo::EmbeddedCommunesCsv()), "units");
  const staffing::demo::DemoData data =
      staffing::demo::GenerateDemo(base, Norms(world));
  std::map<std::string, std::string> commune_of;  // school -> commune
  std::set<std::string> communes;
  for (const rv1::Unit& unit : base) {
    if (unit.kind() == rv1::WARD || unit.kind() == rv1::COMMUNE ||
        unit.kind() == rv1::SPECIAL_ZONE) {
      communes.insert(unit.name().substr(6));
    }
  }
  for (const rv1::Unit& unit : base) {
    if (unit.kind() == rv1::SCHOOL && communes.contains(unit.parent().substr(6))) {
      commune_of[unit.name().substr(6)] = unit.parent().substr(6);
    }
  }
  std::map<std::string, std::vector<const staffing::RosterLine*>> roster_of;
  for (const staffing::RosterLine& line : data.roster) {
    auto it = commune_of.find(line.placement.school());
    roster_of[it == commune_of.end() ? "" : it->second].push_back(&line);
  }
  size_t staff = 0;
  for (int k = 1; k <= scale; ++k) {
    const std::string suffix = k == 1 ? "" : absl::StrCat("-x", k);
    // Classes, in requests under the size limit.
    std::vector<sv1::SchoolClasses> chunk;
    size_t bytes = 0;
    auto flush_classes = [&] {
      if (chunk.empty()) return;
      sv1::ImportSchoolClassesRequest request;
      request.set_csv_content(staffing::FormatClassesCsv(chunk));
      sv1::ImportResponse response;
      const grpc::Status status =
          world.stub->ImportSchoolClasses(Context().get(), request, &response);
      if (!status.ok()) Die("ImportSchoolClasses: " + status.error_message());
      chunk.clear();
      bytes = 0;
    };
    for (const sv1::SchoolClasses& c : data.classes) {
      if (k > 1 && !commune_of.contains(c.school())) continue;
      sv1::SchoolClasses copy = c;
      copy.set_school(c.school() + suffix);
      chunk.push_back(std::move(copy));
      bytes += 48;
      if (bytes > kMaxRequestBytes) flush_classes();
    }
    flush_classes();
    // One roster per commune.
    for (const auto& [commune, lines] : roster_of) {
      if (k > 1 && commune.empty()) continue;
      std::vector<staffing::RosterLine> copies;
      copies.reserve(lines.size());
      for (const staffing::RosterLine* line : lines) {
        staffing::RosterLine copy = *line;
        copy.staff_id += suffix;
        copy.placement.set_school(line->placement.school() + suffix);
        copies.push_back(std::move(copy));
      }
      sv1::ImportRosterRequest request;
      request.set_csv_content(staffing::FormatRosterCsv(copies));
      sv1::ImportResponse response;
      const grpc::Status status =
          world.stub->ImportRoster(Context().get(), request, &response);
      if (!status.ok()) Die("ImportRoster: " + status.error_message());
      staff += static_cast<size_t>(response.created());
    }
  }
  return staff;
}

struct ScaleResult {
  size_t units = 0;
  size_t staff = 0;
  Percentiles report;
  Percentiles sql;
  Percentiles view;
  int64_t shortage = 0;
};

ScaleResult RunScale(testing::PostgresServer& pg, int scale, int iterations) {
  World world = Start(pg, scale);
  const absl::Time start = absl::Now();
  ScaleResult result;
  result.units = world.units.size();
  result.staff = Load(world, scale);
  std::fprintf(stderr, "scale %dx: %zu units, %zu staff loaded in %.1f s\n", scale,
               result.units, result.staff,
               absl::ToDoubleSeconds(absl::Now() - start));

  sv1::GetStaffingBalanceRequest request;
  request.set_school_year("2025-2026");
  request.set_drill_down(true);
  result.report = Time(iterations, [&] {
    sv1::GetStaffingBalanceResponse response;
    const grpc::Status status =
        world.stub->GetStaffingBalance(Context().get(), request, &response);
    if (!status.ok() || response.children_size() < 114) {
      Die("GetStaffingBalance: " + status.error_message());
    }
    result.shortage = 0;
    for (const auto& b : response.balances()) result.shortage += b.shortage();
  });

  // The same figures by hand: per school and level, classes x the most
  // specific norm valid on 5 September 2025 rounded half up, against
  // teachers placed that day; summed per commune (a mapping table stands
  // in for the registry) and for the city, with shortages per school.
  pqxx::connection connection(world.staffing_db);
  {
    pqxx::work tx(connection);
    tx.exec("CREATE TABLE bench_school_commune (school text PRIMARY KEY, "
            "commune text NOT NULL)");
    pqxx::stream_to stream(tx, "bench_school_commune",
                           std::vector<std::string>{"school", "commune"});
    for (const rv1::Unit& unit : world.units) {
      if (unit.kind() == rv1::SCHOOL && !unit.has_valid_until()) {
        stream << std::make_tuple(unit.name().substr(6), unit.parent().substr(6));
      }
    }
    stream.complete();
    tx.exec("ANALYZE bench_school_commune");
    tx.commit();
  }
  connection.prepare(
      "hand",
      "WITH n AS (SELECT * FROM norms WHERE subject = '' AND valid_from <= $1 "
      "    AND (valid_until IS NULL OR valid_until > $1)), "
      "c AS (SELECT school, grade, sessions_per_day, classes, CASE "
      "    WHEN grade IN ('NT', 'MG') THEN 'MN' "
      "    WHEN grade IN ('1', '2', '3', '4', '5') THEN 'TH' "
      "    WHEN grade IN ('6', '7', '8', '9') THEN 'THCS' ELSE 'THPT' END AS level "
      "  FROM school_classes WHERE school_year = $2), "
      "req AS (SELECT c.school, c.level, sum(c.classes * (SELECT n.per_class_milli "
      "    FROM n WHERE n.level = c.level AND (n.grade = '' OR n.grade = c.grade) "
      "    AND (n.sessions_per_day = 0 OR n.sessions_per_day = c.sessions_per_day) "
      "    ORDER BY (n.grade <> '')::int * 2 + (n.sessions_per_day <> 0)::int DESC, "
      "    n.valid_from DESC LIMIT 1)) AS milli FROM c GROUP BY 1, 2), "
      "act AS (SELECT school, level, count(*) AS n FROM placements "
      "  WHERE position = 'TEACHER' AND valid_from <= $1 "
      "    AND (valid_until IS NULL OR valid_until > $1) GROUP BY 1, 2), "
      "s AS (SELECT coalesce(r.school, a.school) AS school, "
      "    coalesce(r.level, a.level) AS level, "
      "    coalesce(floor((r.milli + 500) / 1000), 0) AS req, "
      "    coalesce(a.n, 0) AS act "
      "  FROM req r FULL JOIN act a ON a.school = r.school AND a.level = r.level) "
      "SELECT m.commune, s.level, sum(s.req), sum(s.act), "
      "  sum(greatest(s.req - s.act, 0)), sum(greatest(s.act - s.req, 0)) "
      "FROM s JOIN bench_school_commune m ON m.school = s.school "
      "GROUP BY GROUPING SETS ((m.commune, s.level), (s.level))");
  int64_t sql_shortage = 0;
  result.sql = Time(iterations, [&] {
    pqxx::read_transaction tx(connection);
    const pqxx::result rows = tx.exec_prepared("hand", "2025-09-05", "2025-2026");
    if (rows.empty()) Die("hand-written SQL returned nothing");
    sql_shortage = 0;
    for (const pqxx::row& row : rows) {
      if (row[0].is_null()) sql_shortage += row[4].as<int64_t>();
    }
  });
  if (sql_shortage != result.shortage) {
    Die(absl::StrCat("the service's city shortage ", result.shortage,
                     " differs from the SQL's ", sql_shortage));
  }

  sv1::GetShortageViewRequest view;
  view.set_school_year("2025-2026");
  view.set_limit(100);
  result.view = Time(iterations, [&] {
    sv1::GetShortageViewResponse response;
    const grpc::Status status =
        world.stub->GetShortageView(Context().get(), view, &response);
    if (!status.ok()) Die("GetShortageView: " + status.error_message());
  });
  world.staffing->Shutdown(absl::Seconds(5));
  world.staffing->Wait();
  world.registry->Shutdown(absl::Seconds(5));
  world.registry->Wait();
  return result;
}

}  // namespace
}  // namespace hpedu

int main(int argc, char** argv) {
  int iterations = 30;
  int scale = 25;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--iterations=") &&
        absl::SimpleAtoi(arg, &iterations) && iterations >= 1) {
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--scale=") && absl::SimpleAtoi(arg, &scale) &&
        scale >= 1) {
      continue;
    }
    std::fprintf(stderr, "usage: %s [--iterations=N] [--scale=N]\n", argv[0]);
    return 2;
  }
  hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
  const auto one = hpedu::RunScale(pg, 1, iterations);
  const auto many = hpedu::RunScale(pg, scale, iterations);
  for (const auto* r : {&one, &many}) {
    std::printf("city-wide shortage report (by commune and level), 2025-2026: "
                "%zu units, %zu staff, shortage %lld: service p50 %.1f ms p99 "
                "%.1f ms; hand-written SQL p50 %.1f ms p99 %.1f ms; "
                "service/SQL (p50) = %.2f; shortage view with suggestions p50 "
                "%.1f ms p99 %.1f ms\n",
                r->units, r->staff, static_cast<long long>(r->shortage),
                r->report.p50, r->report.p99, r->sql.p50, r->sql.p99,
                r->report.p50 / r->sql.p50, r->view.p50, r->view.p99);
  }
  std::printf("%dx the data: report p50 x%.2f, SQL p50 x%.2f, view p50 x%.2f\n",
              scale, many.report.p50 / one.report.p50, many.sql.p50 / one.sql.p50,
              many.view.p50 / one.view.p50);
  return 0;
}
