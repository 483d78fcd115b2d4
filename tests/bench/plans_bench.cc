// The city-wide chasing list (đôn đốc) at scale: a real PostgreSQL
// (throwaway), the registry with the demo units and the plans service
// in-process on loopback ports, and 880 generated city tasks cascaded to the
// 114 communes (100,320 child tasks, ~100,000 more rows than the seeds), a
// third of them done (generated). Times GetChasingList over gRPC and the
// equivalent hand-written SQL (one query per grouping, ranking in the
// database) in the same run, and prints p50/p99 of each.
//
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/release --target plans_bench
//   build/release/tests/bench/plans_bench [iterations]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/csv/csv_writer.h"
#include "libs/server/log.h"
#include "libs/server/service_host.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/plans/demo/demo_plans.h"
#include "services/plans/plans_definition.h"
#include "services/registry/demo/demo_units.h"
#include "services/registry/registry_definition.h"
#include "services/registry/unit_import.h"

namespace hpedu {
namespace {

namespace pv1 = ::hpedu::plans::v1;
namespace rv1 = ::hpedu::registry::v1;

constexpr int kCityTasks = 880;  // x 114 communes = 100,320 children
constexpr int kDueWithinDays = 14;
constexpr int kMaxEntriesPerGroup = 100;

[[noreturn]] void Die(const std::string& what, const grpc::Status& status) {
  std::fprintf(stderr, "%s: %s\n", what.c_str(), status.error_message().c_str());
  std::exit(1);
}

template <typename T>
T Must(absl::StatusOr<T> value, const char* what) {
  if (!value.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, value.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(value);
}

server::ServerConfig Config(const std::string& service,
                            const std::string& conninfo) {
  server::ServerConfig config;
  config.service = service;
  config.db = conninfo;
  config.listen_address = "127.0.0.1:0";
  config.log_requests = false;
  config.default_deadline = absl::Seconds(600);
  testing::TestIdentity::Configure(config);
  return config;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(600)));
  return context;
}

// The 880 city tasks: months from 6/2025 to 12/2027, leads among five
// agencies the registry knows.
std::string CityTasksCsv() {
  static const char* const kLeads[] = {
      "Sở Giáo dục và Đào tạo Hải Phòng", "UBND thành phố Hải Phòng",
      "Văn phòng Sở", "Bộ Giáo dục và Đào tạo", "Bộ Nội vụ"};
  std::string csv = csv::CsvLine({"group", "no", "content", "lead_agency",
                                  "coordinating", "approval_level",
                                  "submission_time"});
  for (int i = 1; i <= kCityTasks; ++i) {
    const int month_index = (i * 7) % 31;  // 0..30 -> 6/2025 .. 12/2027
    const int month = (5 + month_index) % 12 + 1;
    const int year = 2025 + (5 + month_index) / 12;
    csv += csv::CsvLine({"", std::to_string(i),
                         absl::StrCat("Nhiệm vụ sinh tự động số ", i,
                                      " (generated)"),
                         kLeads[i % 5], "Các xã, phường, đặc khu", "",
                         absl::StrCat(month, "/", year)});
  }
  return csv;
}

struct Percentiles {
  double p50 = 0;
  double p99 = 0;
};

Percentiles Summarize(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  auto at = [&](double q) {
    return samples[std::min(samples.size() - 1,
                            static_cast<size_t>(q * samples.size()))];
  };
  return {at(0.50), at(0.99)};
}

// The chasing list in SQL alone: open dated tasks overdue or due within the
// window, grouped (by lead agency, then by commune) with the group's counts
// and at most kMaxEntriesPerGroup entries ranked most overdue first. The
// generated data has no yearly or free-text tasks, so this is equivalent to
// the service's answer.
constexpr char kByLeadSql[] =
    "WITH due AS ("
    "  SELECT t.document_id, t.id, t.lead_agency_id AS unit, t.due_date,"
    "         $1::date - t.due_date AS days_overdue"
    "  FROM tasks t"
    "  WHERE t.state NOT IN ('DONE', 'DONE_LATE', 'CANCELLED')"
    "    AND t.due_date <= $1::date + $2::int),"
    " ranked AS ("
    "  SELECT d.*, row_number() OVER (PARTITION BY unit"
    "           ORDER BY days_overdue DESC, document_id, id) AS rank,"
    "         count(*) FILTER (WHERE days_overdue > 0)"
    "           OVER (PARTITION BY unit) AS overdue,"
    "         count(*) FILTER (WHERE days_overdue <= 0)"
    "           OVER (PARTITION BY unit) AS due_soon,"
    "         max(days_overdue) OVER (PARTITION BY unit) AS worst"
    "  FROM due d) "
    "SELECT unit, overdue, due_soon, document_id, id, due_date, days_overdue "
    "FROM ranked WHERE rank <= $3::int "
    "ORDER BY worst DESC, unit, rank";
constexpr char kByCommuneSql[] =
    "WITH due AS ("
    "  SELECT t.document_id, t.id, t.commune_id AS unit, t.due_date,"
    "         $1::date - t.due_date AS days_overdue"
    "  FROM tasks t"
    "  WHERE t.commune_id IS NOT NULL"
    "    AND t.state NOT IN ('DONE', 'DONE_LATE', 'CANCELLED')"
    "    AND t.due_date <= $1::date + $2::int),"
    " ranked AS ("
    "  SELECT d.*, row_number() OVER (PARTITION BY unit"
    "           ORDER BY days_overdue DESC, document_id, id) AS rank,"
    "         count(*) FILTER (WHERE days_overdue > 0)"
    "           OVER (PARTITION BY unit) AS overdue,"
    "         count(*) FILTER (WHERE days_overdue <= 0)"
    "           OVER (PARTITION BY unit) AS due_soon,"
    "         max(days_overdue) OVER (PARTITION BY unit) AS worst"
    "  FROM due d) "
    "SELECT unit, overdue, due_soon, document_id, id, due_date, days_overdue "
    "FROM ranked WHERE rank <= $3::int "
    "ORDER BY worst DESC, unit, rank";

int Run(int iterations) {
  server::SetLogSinkForTesting(+[](std::string_view) {});
  testing::PostgresServer& pg = testing::SharedPostgresServer();
  const std::string database = Must(pg.CreateDatabase(), "create database");

  auto registry = Must(
      server::ServiceHost::Start(
          Config("registry",
                 Must(pg.ProvisionService(database, "registry"), "registry")),
          registry::Definition()),
      "start registry");
  const std::string plans_conninfo =
      Must(pg.ProvisionService(database, "plans"), "provision plans");
  server::ServerConfig plans_config = Config("plans", plans_conninfo);
  plans_config.peer_addresses["registry"] =
      absl::StrCat("127.0.0.1:", registry->port());
  auto plans_host =
      Must(server::ServiceHost::Start(plans_config, plans::Definition()),
           "start plans");

  auto registry_stub = rv1::RegistryService::NewStub(testing::TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", registry->port()),
      testing::TestIdentity::Token(auth::Role::kLeadership)));
  auto stub = pv1::PlansService::NewStub(testing::TestIdentity::Channel(
      absl::StrCat("127.0.0.1:", plans_host->port()),
      testing::TestIdentity::Token(auth::Role::kLeadership)));

  const absl::Time setup_start = absl::Now();
  {
    rv1::ImportUnitsRequest request;
    request.set_csv_content(registry::FormatUnitsCsv(Must(
        registry::demo::DemoUnits(registry::demo::EmbeddedCommunesCsv()),
        "demo units")));
    rv1::ImportUnitsResponse response;
    grpc::Status status =
        registry_stub->ImportUnits(Context().get(), request, &response);
    if (!status.ok()) Die("import units", status);
  }
  {
    pv1::ImportDocumentsRequest request;
    request.set_csv_content(std::string(plans::demo::EmbeddedDocumentsCsv()));
    pv1::ImportDocumentsResponse response;
    grpc::Status status =
        stub->ImportDocuments(Context().get(), request, &response);
    if (!status.ok()) Die("import documents", status);
  }
  {
    pv1::ImportTasksRequest request;
    request.set_parent("documents/d-02-ctr-tu");
    request.set_csv_content(CityTasksCsv());
    pv1::ImportTasksResponse response;
    grpc::Status status = stub->ImportTasks(Context().get(), request, &response);
    if (!status.ok()) Die("import city tasks", status);
  }
  int children = 0;
  for (int i = 1; i <= kCityTasks; ++i) {
    pv1::CascadeTaskRequest request;
    request.set_name(absl::StrCat("documents/d-02-ctr-tu/tasks/t-", i));
    pv1::CascadeTaskResponse response;
    grpc::Status status = stub->CascadeTask(Context().get(), request, &response);
    if (!status.ok()) Die("cascade", status);
    children += response.created();
  }
  // Generated progress: a third of the children done, a third in progress.
  // Written directly in SQL (benchmark set-up only; the service writes
  // reports one by one through CreateStatusReport).
  {
    pqxx::connection connection(plans_conninfo);
    pqxx::work tx(connection);
    tx.exec0(
        "UPDATE tasks SET generated = true, "
        "  state = CASE abs(hashtext(id)) % 3 WHEN 0 THEN 'DONE' "
        "               WHEN 1 THEN 'IN_PROGRESS' ELSE state END, "
        "  progress_percent = CASE abs(hashtext(id)) % 3 WHEN 0 THEN 100 "
        "               WHEN 1 THEN 50 ELSE 0 END "
        "WHERE parent_task_id IS NOT NULL");
    tx.exec0("ANALYZE tasks");
    tx.commit();
  }
  std::printf("plans bench: %d city tasks cascaded to %d children (set-up %.1f s)\n",
              kCityTasks, children,
              absl::ToDoubleSeconds(absl::Now() - setup_start));

  pqxx::connection sql(plans_conninfo);
  sql.prepare("by_lead", kByLeadSql);
  sql.prepare("by_commune", kByCommuneSql);

  const std::string as_of = "2026-01-05";
  std::vector<double> service_us;
  std::vector<double> sql_us;
  pv1::ChasingList last;
  size_t sql_rows = 0;
  for (int i = 0; i < iterations + 2; ++i) {
    pv1::GetChasingListRequest request;
    request.mutable_as_of()->set_year(2026);
    request.mutable_as_of()->set_month(1);
    request.mutable_as_of()->set_day(5);
    request.set_due_within_days(kDueWithinDays);
    request.set_max_entries_per_group(kMaxEntriesPerGroup);
    absl::Time start = absl::Now();
    grpc::Status status = stub->GetChasingList(Context().get(), request, &last);
    const double service_elapsed =
        absl::ToDoubleMicroseconds(absl::Now() - start);
    if (!status.ok()) Die("chasing list", status);

    start = absl::Now();
    {
      pqxx::work tx(sql);
      const pqxx::result by_lead =
          tx.exec_prepared("by_lead", as_of, kDueWithinDays, kMaxEntriesPerGroup);
      const pqxx::result by_commune = tx.exec_prepared(
          "by_commune", as_of, kDueWithinDays, kMaxEntriesPerGroup);
      sql_rows = by_lead.size() + by_commune.size();
      tx.commit();
    }
    const double sql_elapsed = absl::ToDoubleMicroseconds(absl::Now() - start);
    if (i >= 2) {  // two warm-up rounds
      service_us.push_back(service_elapsed);
      sql_us.push_back(sql_elapsed);
    }
  }
  size_t service_rows = 0;
  for (const auto& group : last.by_lead_agency()) service_rows += group.entries_size();
  for (const auto& group : last.by_commune()) service_rows += group.entries_size();

  const Percentiles service = Summarize(service_us);
  const Percentiles hand = Summarize(sql_us);
  std::printf(
      "chasing list as of %s, due within %d days, <= %d entries per group:\n"
      "  overdue %d, due soon %d; %d lead-agency groups, %d commune groups\n"
      "  entries returned: service %zu, hand-written SQL %zu\n"
      "  GetChasingList (gRPC, store + BuildChasingList): p50 %.1f ms, "
      "p99 %.1f ms\n"
      "  hand-written SQL (2 window queries, libpqxx):    p50 %.1f ms, "
      "p99 %.1f ms\n"
      "  (%d iterations each, after 2 warm-up rounds)\n",
      as_of.c_str(), kDueWithinDays, kMaxEntriesPerGroup, last.overdue(),
      last.due_soon(), last.by_lead_agency_size(), last.by_commune_size(),
      service_rows, sql_rows, service.p50 / 1000, service.p99 / 1000,
      hand.p50 / 1000, hand.p99 / 1000, iterations);

  plans_host->Shutdown(absl::Seconds(5));
  plans_host->Wait();
  registry->Shutdown(absl::Seconds(5));
  registry->Wait();
  return service_rows == sql_rows ? 0 : 1;
}

}  // namespace
}  // namespace hpedu

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 30;
  return hpedu::Run(iterations);
}
