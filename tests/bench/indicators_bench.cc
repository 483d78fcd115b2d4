// The indicators service at Hai Phong's scale and at 25 times it (a
// country's worth of communes and schools): the city-wide roll-up of every
// indicator for one period, end to end over gRPC, as p50/p99, against the
// equivalent hand-written SQL on the same database in the same run (over
// the reports, and over the totals the service keeps); and the import's
// throughput against psql's \copy of the same rows into an equivalent
// table (same key and constraints) and into a bare one.
//
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release
//   cmake --build build/release --target indicators_bench
//   build/release/tests/bench/indicators_bench [--iterations=N] [--scale=25]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
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
#include "hpedu/indicators/v1/approvals.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/server/log.h"
#include "libs/server/service_host.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/indicators/demo/demo_indicators.h"
#include "services/indicators/indicators_definition.h"
#include "services/indicators/value_import.h"
#include "services/registry/demo/demo_units.h"
#include "tests/bench/bench_support.h"
#include "tests/bench/ratio.h"

namespace hpedu {
namespace {

namespace iv1 = ::hpedu::indicators::v1;
namespace rv1 = ::hpedu::registry::v1;

using bench::Context;
using bench::Die;
using bench::Must;
using bench::Percentiles;
using bench::Time;

struct World {
  std::unique_ptr<server::ServiceHost> registry;
  std::unique_ptr<server::ServiceHost> indicators;
  std::string indicators_db;  // the indicators role's conninfo
  std::unique_ptr<iv1::IndicatorsService::Stub> stub;
  std::unique_ptr<iv1::ApprovalService::Stub> approvals;
  std::vector<rv1::Unit> units;
  std::vector<iv1::CreateIndicatorRequest> catalogue;
};

World Start(testing::PostgresServer& pg, int scale) {
  World world;
  world.units = bench::ScaledUnits(
      Must(registry::demo::DemoUnits(registry::demo::EmbeddedCommunesCsv()),
           "units"),
      scale);
  world.registry = bench::StartRegistry(pg, world.units);
  const std::string registry_addr =
      absl::StrCat("127.0.0.1:", world.registry->port());
  const std::string ind_db = Must(pg.CreateDatabase(), "database");
  world.indicators_db = Must(pg.ProvisionService(ind_db, "indicators"), "provision");
  server::ServerConfig config =
      bench::Config("indicators", world.indicators_db);
  config.peer_addresses["registry"] = registry_addr;
  world.indicators = Must(
      server::ServiceHost::Start(config, indicators::Definition()), "indicators");
  const auto channel = bench::LeadershipChannel(
      absl::StrCat("127.0.0.1:", world.indicators->port()));
  world.stub = iv1::IndicatorsService::NewStub(channel);
  world.approvals = iv1::ApprovalService::NewStub(channel);
  const indicators::demo::DemoCatalogue catalogue =
      Must(indicators::demo::DemoIndicators(indicators::demo::EmbeddedIndicatorsCsv(),
                                            indicators::demo::EmbeddedTargetsCsv()),
           "catalogue");
  for (const auto& request : catalogue.indicators) {
    iv1::Indicator out;
    const grpc::Status s = world.stub->CreateIndicator(Context().get(), request, &out);
    if (!s.ok()) Die("CreateIndicator: " + s.error_message());
  }
  world.catalogue = catalogue.indicators;
  for (const auto& request : catalogue.targets) {
    iv1::Target out;
    const grpc::Status s = world.stub->CreateTarget(Context().get(), request, &out);
    if (!s.ok()) Die("CreateTarget: " + s.error_message());
  }
  return world;
}

// Streams `csv` into the service; returns the seconds it took.
double StreamImport(World& world, const std::string& csv) {
  const absl::Time start = absl::Now();
  iv1::ImportReportedValuesResponse response;
  auto context = Context();
  auto writer = world.stub->StreamImportReportedValues(context.get(), &response);
  constexpr size_t kChunk = 2 << 20;
  for (size_t offset = 0; offset < csv.size(); offset += kChunk) {
    iv1::ImportReportedValuesRequest chunk;
    chunk.set_csv_content(csv.substr(offset, kChunk));
    if (offset == 0) chunk.set_override_reason("benchmark");
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) Die("import: " + status.error_message());
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// The demo's reporting loop (DemoWorkflow, DemoLoopSteps: two communes in
// five approved with their schools, the others submitted, returned or not
// submitted); returns the seconds its calls took and counts them.
double PlayDemoLoop(World& world, int* transitions) {
  namespace demo = ::hpedu::indicators::demo;
  iv1::ApprovalWorkflow created;
  grpc::Status status = world.approvals->CreateApprovalWorkflow(
      Context().get(), demo::DemoWorkflow(world.catalogue), &created);
  if (!status.ok()) Die("CreateApprovalWorkflow: " + status.error_message());
  const absl::Time start = absl::Now();
  for (const demo::LoopStep& step : demo::DemoLoopSteps(world.units)) {
    status = demo::PlayStep(*world.approvals, Context().get(), step);
    if (!status.ok()) Die(step.submission + ": " + status.error_message());
    ++*transitions;
  }
  return absl::ToDoubleSeconds(absl::Now() - start);
}

struct ScaleResult {
  size_t units = 0;
  size_t rows = 0;
  Percentiles rollup;
  // With the demo's loop played: approved values only (the default),
  // and every value.
  Percentiles rollup_approved;
  Percentiles rollup_all;
  Percentiles sql;
  Percentiles sql_totals;
};

ScaleResult RunScale(testing::PostgresServer& pg, int scale, int iterations) {
  World world = Start(pg, scale);
  const std::vector<indicators::ValueLine> lines =
      indicators::demo::DemoValues(world.units);
  const double seconds = StreamImport(world, indicators::FormatValuesCsv(lines));
  std::fprintf(stderr, "scale %dx: %zu units, %zu value rows imported in %.1f s\n",
               scale, world.units.size(), lines.size(), seconds);
  ScaleResult result;
  result.units = world.units.size();
  result.rows = lines.size();
  iv1::RollUpRequest request;
  request.set_indicator("indicators/-");
  request.set_period("2025-2026");
  result.rollup = Time(iterations, [&] {
    iv1::RollUpResponse response;
    const grpc::Status status = world.stub->RollUp(Context().get(), request, &response);
    if (!status.ok() || response.roll_ups_size() != 25) {
      Die("RollUp: " + status.error_message());
    }
  });
  // The reporting loop: two communes in five approved.
  int transitions = 0;
  const double approving = PlayDemoLoop(world, &transitions);
  std::fprintf(stderr, "%d submissions and approvals in %.1f s (%.1f ms each)\n",
               transitions, approving, 1000 * approving / transitions);
  // The loop rewrote a third of the values' rows (their approved flag) and
  // the totals; measure as autovacuum leaves the tables, not in between.
  {
    pqxx::connection connection(world.indicators_db);
    pqxx::nontransaction tx(connection);
    tx.exec("VACUUM ANALYZE");
  }
  auto roll_up = [&](const iv1::RollUpRequest& with) {
    iv1::RollUpResponse response;
    const grpc::Status status = world.stub->RollUp(Context().get(), with, &response);
    if (!status.ok() || response.roll_ups_size() != 25) {
      Die("RollUp: " + status.error_message());
    }
    return response;
  };
  const iv1::RollUpResponse approved = roll_up(request);
  iv1::RollUpRequest all = request;
  all.set_include_unapproved(true);
  const iv1::RollUpResponse everything = roll_up(all);
  int left_out = 0, counted = 0, counted_all = 0;
  for (int i = 0; i < approved.roll_ups_size(); ++i) {
    left_out += approved.roll_ups(i).total().unapproved_reporters();
    counted += approved.roll_ups(i).total().reporters();
    counted_all += everything.roll_ups(i).total().reporters();
  }
  if (left_out == 0 || counted + left_out != counted_all) {
    Die(absl::StrCat("approved-only roll-up: ", counted, " counted + ",
                     left_out, " left out != ", counted_all, " reporters"));
  }
  std::fprintf(stderr, "approved-only: %d reporters counted, %d left out\n",
               counted, left_out);
  result.rollup_all = Time(iterations, [&] { roll_up(all); });
  result.rollup_approved = Time(iterations, [&] { roll_up(request); });
  // The same figures by hand: per indicator and disaggregation (and over
  // all), this period and the four before it, sums and reporters.
  pqxx::connection connection(world.indicators_db);
  result.sql = Time(iterations, [&] {
    pqxx::read_transaction tx(connection);
    const pqxx::result rows = tx.exec(
        "SELECT indicator_id, period_ordinal, disaggregation, "
        "  sum(numerator), sum(denominator), count(DISTINCT org_unit), "
        "  count(*) FILTER (WHERE value >= 3) "
        "FROM reported_values WHERE period_ordinal BETWEEN 2021 AND 2025 "
        "GROUP BY GROUPING SETS ((indicator_id, period_ordinal, disaggregation),"
        "                        (indicator_id, period_ordinal))");
    if (rows.empty()) Die("hand-written SQL returned nothing");
  });
  // The service reads the totals its writes keep; the same read by hand.
  result.sql_totals = Time(iterations, [&] {
    pqxx::read_transaction tx(connection);
    const pqxx::result rows = tx.exec(
        "SELECT indicator_id, period_ordinal, disaggregation, numerator, "
        "  denominator, reporters, meeting "
        "FROM value_totals WHERE period_ordinal BETWEEN 2021 AND 2025");
    if (rows.empty()) Die("hand-written SQL over totals returned nothing");
  });
  world.indicators->Shutdown(absl::Seconds(5));
  world.indicators->Wait();
  world.registry->Shutdown(absl::Seconds(5));
  world.registry->Wait();
  return result;
}

void RunImport(testing::PostgresServer& pg) {
  World world = Start(pg, 1);
  const std::string csv =
      indicators::FormatValuesCsv(indicators::demo::DemoValues(world.units));
  const size_t rows = static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) - 1;
  const double service_seconds = StreamImport(world, csv);
  const std::string path = "/tmp/indicators_bench_values.csv";
  {
    std::ofstream file(path, std::ios::binary);
    file << csv;
  }
  // Two tables for \copy: one keyed as the service's reported_values is
  // (the same key, NOT NULL and CHECK constraints: the equivalent table),
  // and a bare one without key or constraints, for scale.
  {
    pqxx::connection connection(world.indicators_db);
    pqxx::work tx(connection);
    tx.exec("CREATE TABLE copy_keyed (indicator text NOT NULL, "
            "org_unit text NOT NULL, period text NOT NULL, "
            "disaggregation text NOT NULL, "
            "numerator bigint CHECK (numerator >= 0), "
            "denominator bigint CHECK (denominator > 0), value numeric, "
            "generated boolean NOT NULL, "
            "PRIMARY KEY (indicator, org_unit, disaggregation, period))");
    tx.exec("CREATE TABLE copy_bare (indicator text, org_unit text, "
            "period text, disaggregation text, numerator bigint, "
            "denominator bigint, value numeric, generated boolean)");
    tx.commit();
  }
  std::string quoted;  // the conninfo inside single quotes for sh
  for (char c : world.indicators_db) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  auto copy_seconds = [&](const std::string& table) {
    const std::string command = absl::StrCat(
        "psql '", quoted, "' -qc \"\\copy ", table, " FROM '", path,
        "' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (disaggregation))\"");
    const absl::Time start = absl::Now();
    if (std::system(command.c_str()) != 0) Die("psql \\copy failed: " + command);
    return absl::ToDoubleSeconds(absl::Now() - start);
  };
  const double keyed_seconds = copy_seconds("copy_keyed");
  const double bare_seconds = copy_seconds("copy_bare");
  std::printf("import of %zu rows: service %.0f rows/s (%.2f s); psql \\copy "
              "into the equivalent keyed table %.0f rows/s (%.2f s), into a "
              "bare table %.0f rows/s (%.2f s); service/copy speed = %.2f "
              "(keyed), %.2f (bare)\n",
              rows, rows / service_seconds, service_seconds,
              rows / keyed_seconds, keyed_seconds, rows / bare_seconds,
              bare_seconds, keyed_seconds / service_seconds,
              bare_seconds / service_seconds);
  bench::ReportRatioAtLeast("indicators.import_vs_keyed_copy",
                            keyed_seconds / service_seconds, 0.5);
  std::remove(path.c_str());
  world.indicators->Shutdown(absl::Seconds(5));
  world.indicators->Wait();
  world.registry->Shutdown(absl::Seconds(5));
  world.registry->Wait();
}

// A commune's whole entry and submission for 2025-2026 under the demo's
// workflow, as its people make it: each school checks its figures
// (validate_only), saves them and submits; the commune officer approves
// each school, checks and saves the commune's own figures and submits the
// commune, for the school year under way (2026-2027: open, unlike the
// demo's closed years). The demo's years are loaded first (the outlier
// checks read them) and its 2025-2026 figures are entered again as this
// year's. Returns the milliseconds per commune and counts the calls.
Percentiles RunEntry(testing::PostgresServer& pg, int* calls_per_commune) {
  namespace demo = ::hpedu::indicators::demo;
  World world = Start(pg, 1);
  const std::string period = "2026-2027";
  const std::vector<indicators::ValueLine> history = demo::DemoValues(world.units);
  StreamImport(world, indicators::FormatValuesCsv(history));
  std::map<std::string, std::vector<indicators::ValueLine>> by_unit;
  for (const indicators::ValueLine& line : history) {
    if (line.period != "2025-2026") continue;
    indicators::ValueLine entered = line;
    entered.period = period;
    entered.generated = false;
    by_unit[entered.org_unit].push_back(std::move(entered));
  }
  const iv1::CreateApprovalWorkflowRequest workflow =
      demo::DemoWorkflow(world.catalogue);
  {
    iv1::ApprovalWorkflow created;
    const grpc::Status status = world.approvals->CreateApprovalWorkflow(
        Context().get(), workflow, &created);
    if (!status.ok()) Die("CreateApprovalWorkflow: " + status.error_message());
  }
  std::vector<std::string> communes;
  std::map<std::string, std::vector<std::string>> schools_of;
  for (const rv1::Unit& unit : world.units) {
    const std::string id = unit.name().substr(6);
    if (unit.kind() == rv1::WARD || unit.kind() == rv1::COMMUNE ||
        unit.kind() == rv1::SPECIAL_ZONE) {
      communes.push_back(id);
    } else if (unit.kind() == rv1::SCHOOL && !unit.has_valid_until() &&
               by_unit.contains(id)) {
      schools_of[unit.parent().substr(6)].push_back(id);
    }
  }
  // Every call as the person who makes it: no token on the channel, one per
  // call.
  const std::string address = absl::StrCat("127.0.0.1:", world.indicators->port());
  auto channel = testing::TestIdentity::Channel(address, "", bench::LargeMessages());
  auto values = iv1::IndicatorsService::NewStub(channel);
  auto approvals = iv1::ApprovalService::NewStub(channel);
  int calls = 0;
  auto as = [&](const std::string& token) {
    std::unique_ptr<grpc::ClientContext> context = Context();
    context->AddMetadata("authorization", "Bearer " + token);
    ++calls;
    return context;
  };
  auto submission = [&](const std::string& unit) {
    return absl::StrCat("approvalWorkflows/", workflow.workflow_id(),
                        "/submissions/", unit, "~", period);
  };
  // Checks, saves and submits `unit`'s figures as `token`.
  auto enter = [&](const std::string& unit, const std::string& token) {
    iv1::ImportReportedValuesRequest request;
    request.set_csv_content(indicators::FormatValuesCsv(by_unit[unit]));
    for (bool validate_only : {true, false}) {
      request.set_validate_only(validate_only);
      iv1::ImportReportedValuesResponse response;
      const grpc::Status status =
          values->ImportReportedValues(as(token).get(), request, &response);
      if (!status.ok()) Die(unit + ": import: " + status.error_message());
    }
    iv1::SubmitValuesRequest submit;
    submit.set_name(submission(unit));
    iv1::Submission out;
    const grpc::Status status = approvals->SubmitValues(as(token).get(), submit, &out);
    if (!status.ok()) Die(unit + ": submit: " + status.error_message());
  };
  size_t next = 0;
  const int before = calls;
  const Percentiles per_commune = Time(static_cast<int>(communes.size()) - 1, [&] {
    const std::string& commune = communes[next++];
    const std::string officer = testing::TestIdentity::Token(
        auth::Role::kCommuneOfficer, "units/" + commune);
    for (const std::string& school : schools_of[commune]) {
      enter(school, testing::TestIdentity::Token(auth::Role::kSchoolOfficer,
                                                 "units/" + school));
      iv1::ApproveSubmissionRequest approve;
      approve.set_name(submission(school));
      iv1::Submission out;
      const grpc::Status status =
          approvals->ApproveSubmission(as(officer).get(), approve, &out);
      if (!status.ok()) Die(school + ": approve: " + status.error_message());
    }
    enter(commune, officer);
  });
  *calls_per_commune = (calls - before) / static_cast<int>(communes.size());
  world.indicators->Shutdown(absl::Seconds(5));
  world.indicators->Wait();
  world.registry->Shutdown(absl::Seconds(5));
  world.registry->Wait();
  return per_commune;
}

}  // namespace
}  // namespace hpedu

int main(int argc, char** argv) {
  int iterations = 50;
  int scale = 25;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--iterations=") &&
        absl::SimpleAtoi(arg, &iterations) && iterations > 0) {
      continue;
    }
    if (absl::ConsumePrefix(&arg, "--scale=") && absl::SimpleAtoi(arg, &scale) &&
        scale >= 1) {
      continue;
    }
    std::fprintf(stderr, "usage: %s [--iterations=N] [--scale=N]\n", argv[0]);
    return 2;
  }
  hpedu::server::SetLogSinkForTesting(+[](std::string_view) {});
  hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
  hpedu::RunImport(pg);
  int calls = 0;
  const hpedu::bench::Percentiles entry = hpedu::RunEntry(pg, &calls);
  std::printf("a commune's entry and submission (its schools check, save and "
              "submit, the commune approves each, then checks, saves and "
              "submits its own; %d calls on average, each as its person): "
              "p50 %.1f ms p99 %.1f ms per commune\n",
              calls, entry.p50, entry.p99);
  const auto one = hpedu::RunScale(pg, 1, iterations);
  auto print = [](const hpedu::ScaleResult& r) {
    std::printf("roll-up of every indicator, city, 2025-2026: %zu units, %zu "
                "rows: service p50 %.2f ms p99 %.2f ms; hand-written SQL p50 "
                "%.1f ms p99 %.1f ms; service/SQL (p50) = %.2f; SQL over the "
                "kept totals p50 %.2f ms p99 %.2f ms\n",
                r.units, r.rows, r.rollup.p50, r.rollup.p99, r.sql.p50,
                r.sql.p99, r.rollup.p50 / r.sql.p50, r.sql_totals.p50,
                r.sql_totals.p99);
  };
  print(one);
  hpedu::bench::ReportRatioAtMost("indicators.city_rollup_vs_totals_sql",
                                  one.rollup.p50 / one.sql_totals.p50, 2.0);
  std::printf("roll-up with 2 in 5 communes approved: approved values only "
              "p50 %.2f ms p99 %.2f ms, every value p50 %.2f ms p99 %.2f ms; "
              "before any workflow p50 %.2f ms\n",
              one.rollup_approved.p50, one.rollup_approved.p99,
              one.rollup_all.p50, one.rollup_all.p99, one.rollup.p50);
  hpedu::bench::ReportRatioAtMost("indicators.approved_rollup_vs_before",
                                  one.rollup_approved.p50 / one.rollup.p50, 1.2);
  if (scale == 1) return 0;  // the quick mode: Hai Phong's size only
  const auto many = hpedu::RunScale(pg, scale, iterations);
  print(many);
  std::printf("%dx the data: roll-up p50 x%.2f, SQL p50 x%.2f\n", scale,
              many.rollup.p50 / one.rollup.p50, many.sql.p50 / one.sql.p50);
  hpedu::bench::ReportRatioAtMost("indicators.rollup_growth_at_25x",
                                  many.rollup.p50 / one.rollup.p50, 5.0);
  return 0;
}
