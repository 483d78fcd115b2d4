// The staffing service end to end: the real service (ServiceHost, as
// main.cc starts it) on port 0 over a real PostgreSQL, with the registry
// running in-process (demo units: the 114 communes and their schools),
// called through the generated stub. Rosters here are small and written by
// hand so every figure can be checked by hand. "Today" is 15 June 2026.
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/api/dates.h"
#include "libs/server/log.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/status/status_matchers.h"
#include "libs/testing/postgres_server.h"
#include "libs/testing/identity.h"
#include "services/registry/testing/demo_registry.h"
#include "services/staffing/staffing_definition.h"

namespace hpedu::staffing {
namespace {

using ::hpedu::testing::HasFieldViolation;
using ::hpedu::testing::IsOk;
using ::hpedu::testing::IsOkAndHolds;
using ::hpedu::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using Stub = v1::StaffingService::Stub;
namespace rv1 = ::hpedu::registry::v1;

// Demo schools picked for the tests: a and b primary schools of one
// commune, c one of another commune, m a preschool, s a lower secondary.
struct Schools {
  std::string a, b, c, m, s;
  std::string commune_ab, commune_c;
  std::string city;
};

bool Teaches(const rv1::Unit& unit, rv1::SchoolLevel level) {
  for (int l : unit.school().levels()) {
    if (l == level) return true;
  }
  return false;
}

const Schools& PickSchools() {
  static const Schools* schools = [] {
    auto* s = new Schools;
    std::map<std::string, std::vector<std::string>> primary_by_commune;
    for (const rv1::Unit& unit : registry::testing::SharedDemoRegistry().units) {
      if (unit.kind() == rv1::CITY) s->city = unit.name().substr(6);
      if (unit.kind() != rv1::SCHOOL || unit.has_valid_until()) continue;
      const std::string id = unit.name().substr(6);
      const std::string commune = unit.parent().substr(6);
      if (Teaches(unit, rv1::TH) && unit.school().levels_size() == 1) {
        primary_by_commune[commune].push_back(id);
      }
      if (s->m.empty() && Teaches(unit, rv1::MN)) s->m = id;
      if (s->s.empty() && Teaches(unit, rv1::THCS)) s->s = id;
    }
    for (const auto& [commune, ids] : primary_by_commune) {
      if (ids.size() >= 2 && s->a.empty()) {
        s->a = ids[0];
        s->b = ids[1];
        s->commune_ab = commune;
      }
    }
    for (const auto& [commune, ids] : primary_by_commune) {
      if (commune != s->commune_ab) {
        s->c = ids[0];
        s->commune_c = commune;
        break;
      }
    }
    return s;
  }();
  return *schools;
}

google::type::Date D(int y, int m, int d) {
  return api::ToProtoDate(absl::CivilDay(y, m, d));
}

// One roster line; qualification_date may be empty.
std::string Line(const std::string& id, const std::string& school,
                 const std::string& level, const std::string& qualification,
                 const std::string& position = "TEACHER",
                 const std::string& subject = "",
                 const std::string& employment = "PERMANENT",
                 const std::string& qualification_date = "2015-06-01",
                 const std::string& name = "Nguyễn Thị Lan") {
  return absl::StrCat(id, ",", school, ",", name, ",1985,FEMALE,", position,
                      ",", level, ",", subject, ",", employment, ",",
                      qualification, ",", qualification_date,
                      ",2020-09-01,\n");
}

constexpr char kRosterHeader[] =
    "staff_id,school,display_name,birth_year,sex,position,level,subject,"
    "employment,qualification,qualification_date,start_date,generated\n";
constexpr char kClassesHeader[] =
    "school,school_year,grade,sessions_per_day,classes,pupils,generated\n";

// Captured log lines (SetLogSinkForTesting takes a plain function).
absl::Mutex log_mu;
std::vector<std::string>* log_lines = new std::vector<std::string>;
void CaptureLog(std::string_view line) {
  absl::MutexLock lock(&log_mu);
  log_lines->emplace_back(line);
}

class StaffingServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& registry = registry::testing::SharedDemoRegistry();
    hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
    ASSERT_OK_AND_ASSIGN(std::string database, pg.CreateDatabase());
    ASSERT_OK_AND_ASSIGN(std::string db, pg.ProvisionService(database, "staffing"));
    db_ = db;
    server::ServerConfig config = hpedu::testing::TestServerConfig("staffing", db);
    config.peer_addresses["registry"] = registry.address;
    ASSERT_OK_AND_ASSIGN(
        host_, server::ServiceHost::Start(
                   config, Definition([] { return absl::CivilDay(2026, 6, 15); })));
    stub_ = v1::StaffingService::NewStub(hpedu::testing::TestIdentity::Channel(
        absl::StrCat("127.0.0.1:", host_->port()),
        hpedu::testing::TestIdentity::Token(auth::Role::kLeadership)));
    s_ = PickSchools();
    ASSERT_FALSE(s_.a.empty());
    ASSERT_FALSE(s_.c.empty());
    ASSERT_FALSE(s_.m.empty());
  }

  void TearDown() override {
    if (host_) {
      host_->Shutdown(absl::Seconds(5));
      host_->Wait();
    }
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    Response response;
    const grpc::Status status =
        (stub_.get()->*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    return response;
  }

  absl::StatusOr<v1::ImportResponse> Roster(const std::string& lines,
                                            bool validate_only = false,
                                            const std::string& school = "") {
    v1::ImportRosterRequest request;
    request.set_csv_content(kRosterHeader + lines);
    request.set_validate_only(validate_only);
    request.set_school(school);
    return Call(&Stub::ImportRoster, request);
  }

  absl::StatusOr<v1::ImportResponse> Classes(const std::string& lines,
                                             bool validate_only = false) {
    v1::ImportSchoolClassesRequest request;
    request.set_csv_content(kClassesHeader + lines);
    request.set_validate_only(validate_only);
    return Call(&Stub::ImportSchoolClasses, request);
  }

  // Ids of staff placed in `unit` on the day.
  std::vector<std::string> Who(const std::string& unit, google::type::Date day) {
    v1::ListStaffMembersRequest request;
    request.set_org_unit(unit.empty() ? "" : "units/" + unit);
    *request.mutable_as_of() = day;
    request.set_page_size(1000);
    absl::StatusOr<v1::ListStaffMembersResponse> response =
        Call(&Stub::ListStaffMembers, request);
    EXPECT_OK(response.status());
    std::vector<std::string> ids;
    if (response.ok()) {
      for (const auto& m : response->staff_members()) ids.push_back(m.name());
    }
    return ids;
  }

  absl::StatusOr<v1::Movement> Move(const std::string& id, v1::MovementKind kind,
                                    google::type::Date day,
                                    const std::string& school = "",
                                    const std::string& level = "TH",
                                    std::optional<google::type::Date> end = {}) {
    v1::CreateMovementRequest request;
    request.set_parent("staff/" + id);
    v1::Movement& m = *request.mutable_movement();
    m.set_kind(kind);
    *m.mutable_effective_date() = day;
    if (end) *m.mutable_end_date() = *end;
    if (!school.empty()) {
      m.mutable_placement()->set_school("units/" + school);
      m.mutable_placement()->set_position(v1::TEACHER);
      m.mutable_placement()->set_level(level);
    }
    m.set_decision("12/QĐ-SGDĐT");
    return Call(&Stub::CreateMovement, request);
  }

  std::string db_;
  Schools s_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(StaffingServiceTest, WhoWorkedWhereOnADayAcrossMovements) {
  ASSERT_OK(Roster(Line("gv-a1", s_.a, "TH", "BACHELOR") +
                   Line("gv-a2", s_.a, "TH", "BACHELOR")).status());
  // gv-a1: to b on 10 January 2025, seconded to c from 1 March to 1 June
  // 2025, leaves on 1 January 2026.
  ASSERT_OK(Move("gv-a1", v1::TRANSFER, D(2025, 1, 10), s_.b).status());
  ASSERT_OK(Move("gv-a1", v1::SECONDMENT, D(2025, 3, 1), s_.c, "TH",
                 D(2025, 6, 1)).status());
  ASSERT_OK(Move("gv-a1", v1::LEAVING, D(2026, 1, 1)).status());

  EXPECT_THAT(Who(s_.a, D(2020, 8, 31)), SizeIs(0));
  EXPECT_THAT(Who(s_.a, D(2025, 1, 9)), ElementsAre("staff/gv-a1", "staff/gv-a2"));
  EXPECT_THAT(Who(s_.a, D(2025, 1, 10)), ElementsAre("staff/gv-a2"));
  EXPECT_THAT(Who(s_.b, D(2025, 1, 10)), ElementsAre("staff/gv-a1"));
  EXPECT_THAT(Who(s_.b, D(2025, 3, 1)), SizeIs(0));
  EXPECT_THAT(Who(s_.c, D(2025, 5, 31)), ElementsAre("staff/gv-a1"));
  EXPECT_THAT(Who(s_.b, D(2025, 6, 1)), ElementsAre("staff/gv-a1"));
  EXPECT_THAT(Who(s_.c, D(2025, 6, 1)), SizeIs(0));
  EXPECT_THAT(Who(s_.b, D(2026, 1, 1)), SizeIs(0));
  // The commune of a and b, and the city.
  EXPECT_THAT(Who(s_.commune_ab, D(2025, 2, 1)),
              ElementsAre("staff/gv-a1", "staff/gv-a2"));
  EXPECT_THAT(Who(s_.commune_ab, D(2025, 4, 1)), ElementsAre("staff/gv-a2"));
  EXPECT_THAT(Who("", D(2026, 2, 1)), ElementsAre("staff/gv-a2"));

  // The record's placement as of a day.
  v1::GetStaffMemberRequest get;
  get.set_name("staff/gv-a1");
  *get.mutable_as_of() = D(2025, 4, 1);
  ASSERT_OK_AND_ASSIGN(v1::StaffMember member, Call(&Stub::GetStaffMember, get));
  EXPECT_EQ(member.placement().school(), "units/" + s_.c);
  EXPECT_EQ(member.standard_status(), v1::MEETS_STANDARD);
  get.clear_as_of();  // today: left
  ASSERT_OK_AND_ASSIGN(member, Call(&Stub::GetStaffMember, get));
  EXPECT_FALSE(member.has_placement());

  v1::ListMovementsRequest list;
  list.set_parent("staff/gv-a1");
  ASSERT_OK_AND_ASSIGN(v1::ListMovementsResponse movements,
                       Call(&Stub::ListMovements, list));
  ASSERT_THAT(movements.movements(), SizeIs(4));
  EXPECT_EQ(movements.movements(0).kind(), v1::APPOINTMENT);
  EXPECT_EQ(movements.movements(1).kind(), v1::TRANSFER);
  EXPECT_EQ(movements.movements(1).previous().school(), "units/" + s_.a);
  EXPECT_EQ(movements.movements(2).kind(), v1::SECONDMENT);
  EXPECT_EQ(movements.movements(3).kind(), v1::LEAVING);

  // Headcount across the transfer.
  v1::GetHeadcountRequest heads;
  heads.set_org_unit("units/" + s_.b);
  *heads.mutable_as_of() = D(2025, 1, 9);
  ASSERT_OK_AND_ASSIGN(v1::GetHeadcountResponse count, Call(&Stub::GetHeadcount, heads));
  EXPECT_EQ(count.total(), 0);
  *heads.mutable_as_of() = D(2025, 1, 10);
  ASSERT_OK_AND_ASSIGN(count, Call(&Stub::GetHeadcount, heads));
  EXPECT_EQ(count.total(), 1);
  EXPECT_EQ(count.teachers(), 1);
  EXPECT_EQ(count.permanent(), 1);
  heads.set_org_unit("units/" + s_.commune_ab);
  heads.set_drill_down(true);
  ASSERT_OK_AND_ASSIGN(count, Call(&Stub::GetHeadcount, heads));
  EXPECT_EQ(count.total(), 2);
  EXPECT_THAT(count.children(), SizeIs(2));
}

TEST_F(StaffingServiceTest, MovementsThatDoNotFitAreRefused) {
  ASSERT_OK(Roster(Line("gv-m1", s_.a, "TH", "BACHELOR")).status());
  ASSERT_OK(Move("gv-m1", v1::TRANSFER, D(2025, 1, 10), s_.b).status());
  // Before the last movement.
  EXPECT_THAT(Move("gv-m1", v1::TRANSFER, D(2024, 1, 10), s_.c),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // To the school they are at.
  EXPECT_THAT(Move("gv-m1", v1::TRANSFER, D(2025, 2, 10), s_.b),
              HasFieldViolation("movement.placement.school"));
  // A secondment needs its end.
  EXPECT_THAT(Move("gv-m1", v1::SECONDMENT, D(2025, 2, 10), s_.c),
              HasFieldViolation("movement.end_date"));
  // An appointment of someone placed.
  EXPECT_THAT(Move("gv-m1", v1::APPOINTMENT, D(2025, 2, 10), s_.c),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // A level the school does not teach; an unknown person.
  EXPECT_THAT(Move("gv-m1", v1::TRANSFER, D(2025, 2, 10), s_.c, "THPT"),
              HasFieldViolation("movement.placement.level"));
  EXPECT_THAT(Move("nobody", v1::TRANSFER, D(2025, 2, 10), s_.c),
              StatusIs(absl::StatusCode::kNotFound));
  // Nothing of that was written.
  EXPECT_THAT(Who(s_.b, D(2026, 1, 1)), ElementsAre("staff/gv-m1"));
}

TEST_F(StaffingServiceTest, RosterImportIsDryRunnableAtomicAndIdempotent) {
  const std::string roster = Line("gv-r1", s_.a, "TH", "BACHELOR") +
                             Line("gv-r2", s_.a, "TH", "COLLEGE") +
                             Line("nv-r3", s_.a, "TH", "COLLEGE", "STAFF");
  ASSERT_OK_AND_ASSIGN(v1::ImportResponse dry, Roster(roster, true));
  EXPECT_EQ(dry.created(), 3);
  EXPECT_THAT(Who(s_.a, D(2025, 1, 1)), SizeIs(0));

  ASSERT_OK_AND_ASSIGN(v1::ImportResponse first, Roster(roster, false, "units/" + s_.a));
  EXPECT_EQ(first.created(), 3);
  ASSERT_OK_AND_ASSIGN(v1::ImportResponse again, Roster(roster));
  EXPECT_EQ(again.created(), 0);
  EXPECT_EQ(again.unchanged(), 3);
  EXPECT_THAT(Who(s_.a, D(2025, 1, 1)), SizeIs(3));

  // A correction: gv-r2 got a bachelor's degree.
  ASSERT_OK_AND_ASSIGN(
      v1::ImportResponse corrected,
      Roster(Line("gv-r2", s_.a, "TH", "BACHELOR", "TEACHER", "", "PERMANENT",
                  "2024-06-01")));
  EXPECT_EQ(corrected.updated(), 1);

  // One bad line among good ones: nothing written, every bad line named,
  // no name quoted.
  const std::string bad =
      Line("gv-r4", s_.a, "TH", "BACHELOR") +
      Line("gv-r5", s_.a, "TH", "PHD", "TEACHER", "", "PERMANENT",
           "2015-06-01", "Trần Văn Bí Mật") +
      Line("gv-r1", s_.b, "TH", "BACHELOR") +
      Line("gv-r6", s_.m, "THPT", "BACHELOR");
  absl::StatusOr<v1::ImportResponse> rejected = Roster(bad);
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  const std::string message(rejected.status().message());
  EXPECT_THAT(rejected.status(), HasFieldViolation("csv_content"));
  std::string all;
  const google::rpc::BadRequest bad_request = GetBadRequest(rejected.status());
  for (const auto& v : bad_request.field_violations()) {
    all += v.description() + "\n";
  }
  EXPECT_THAT(all, HasSubstr("dòng 3"));   // unknown qualification
  EXPECT_THAT(all, HasSubstr("dòng 5"));   // level the school lacks
  EXPECT_THAT(all, Not(HasSubstr("Bí Mật")));
  EXPECT_THAT(message, Not(HasSubstr("Bí Mật")));
  EXPECT_THAT(Who(s_.a, D(2025, 1, 1)), SizeIs(3));
  // The store's own check (gv-r1 is at a; a roster of b cannot move them).
  rejected = Roster(Line("gv-r1", s_.b, "TH", "BACHELOR"));
  EXPECT_THAT(rejected, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(rejected.status().message()), HasSubstr("dòng 2"));
  // A per-school roster refuses lines of another school.
  EXPECT_THAT(Roster(Line("gv-r7", s_.b, "TH", "BACHELOR"), false, "units/" + s_.a),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Who(s_.b, D(2025, 1, 1)), SizeIs(0));
  // Bad requests.
  EXPECT_THAT(Roster("", false, "units/nowhere"), HasFieldViolation("school"));
  v1::ImportRosterRequest empty;
  EXPECT_THAT(Call(&Stub::ImportRoster, empty), HasFieldViolation("csv_content"));
}

TEST_F(StaffingServiceTest, ClassImportIsDryRunnableAtomicAndIdempotent) {
  const std::string classes =
      absl::StrCat(s_.a, ",2025-2026,1,2,4,140,\n", s_.a, ",2025-2026,2,2,4,138,\n");
  ASSERT_OK_AND_ASSIGN(v1::ImportResponse dry, Classes(classes, true));
  EXPECT_EQ(dry.created(), 2);
  v1::ListSchoolClassesRequest list;
  list.set_org_unit("units/" + s_.a);
  list.set_school_year("2025-2026");
  ASSERT_OK_AND_ASSIGN(v1::ListSchoolClassesResponse listed,
                       Call(&Stub::ListSchoolClasses, list));
  EXPECT_THAT(listed.classes(), SizeIs(0));
  ASSERT_OK_AND_ASSIGN(v1::ImportResponse first, Classes(classes));
  EXPECT_EQ(first.created(), 2);
  ASSERT_OK_AND_ASSIGN(v1::ImportResponse again, Classes(classes));
  EXPECT_EQ(again.unchanged(), 2);
  ASSERT_OK_AND_ASSIGN(
      v1::ImportResponse changed,
      Classes(absl::StrCat(s_.a, ",2025-2026,1,2,5,170,\n")));
  EXPECT_EQ(changed.updated(), 1);
  absl::StatusOr<v1::ImportResponse> bad = Classes(absl::StrCat(
      s_.a, ",2025-2026,3,2,4,130,\n", s_.a, ",2025-2026,13,2,4,130,\n",
      s_.a, ",2025-2027,4,3,-1,10,\n", s_.m, ",2025-2026,10,1,4,130,\n"));
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(GetBadRequest(bad.status()).field_violations(), SizeIs(5));
  ASSERT_OK_AND_ASSIGN(listed, Call(&Stub::ListSchoolClasses, list));
  ASSERT_THAT(listed.classes(), SizeIs(2));
  EXPECT_EQ(listed.classes(0).classes(), 5);
}

TEST_F(StaffingServiceTest, ShortageAndSurplusAtSchoolCommuneAndCity) {
  // a: 16 classes x 1.5 = 24 required, 20 teachers: short 4.
  // b: 10 classes x 1.5 = 15 required, 18 teachers: surplus 3.
  // c: 10 classes x 1.2 = 12 required, 10 teachers: short 2.
  ASSERT_OK(Classes(absl::StrCat(s_.a, ",2025-2026,1,2,16,560,\n", s_.b,
                                 ",2025-2026,1,2,10,350,\n", s_.c,
                                 ",2025-2026,1,1,10,350,\n"))
                .status());
  std::string roster;
  auto teachers = [&](const std::string& school, const std::string& prefix, int n) {
    for (int i = 0; i < n; ++i) {
      roster += Line(absl::StrCat(prefix, i), school, "TH", "BACHELOR");
    }
  };
  teachers(s_.a, "gv-a", 20);
  teachers(s_.b, "gv-b", 18);
  teachers(s_.c, "gv-c", 10);
  ASSERT_OK(Roster(roster).status());

  v1::GetStaffingBalanceRequest request;
  request.set_school_year("2025-2026");
  request.set_org_unit("units/" + s_.a);
  ASSERT_OK_AND_ASSIGN(v1::GetStaffingBalanceResponse school,
                       Call(&Stub::GetStaffingBalance, request));
  ASSERT_THAT(school.balances(), SizeIs(1));
  EXPECT_EQ(school.balances(0).required(), 24);
  EXPECT_EQ(school.balances(0).required_exact(), "24.000");
  EXPECT_EQ(school.balances(0).actual(), 20);
  EXPECT_EQ(school.balances(0).balance(), -4);
  EXPECT_EQ(school.balances(0).status(), v1::SHORTAGE);

  request.set_org_unit("units/" + s_.commune_ab);
  request.set_drill_down(true);
  ASSERT_OK_AND_ASSIGN(v1::GetStaffingBalanceResponse commune,
                       Call(&Stub::GetStaffingBalance, request));
  ASSERT_THAT(commune.balances(), SizeIs(1));
  EXPECT_EQ(commune.balances(0).required(), 39);
  EXPECT_EQ(commune.balances(0).actual(), 38);
  EXPECT_EQ(commune.balances(0).shortage(), 4);
  EXPECT_EQ(commune.balances(0).surplus(), 3);
  EXPECT_THAT(commune.children(), SizeIs(2));

  request.clear_org_unit();
  ASSERT_OK_AND_ASSIGN(v1::GetStaffingBalanceResponse city,
                       Call(&Stub::GetStaffingBalance, request));
  ASSERT_THAT(city.balances(), SizeIs(1));
  EXPECT_EQ(city.balances(0).org_unit(), "units/" + s_.city);
  EXPECT_EQ(city.balances(0).required(), 51);
  EXPECT_EQ(city.balances(0).actual(), 48);
  EXPECT_EQ(city.balances(0).shortage(), 6);
  EXPECT_EQ(city.balances(0).surplus(), 3);
  EXPECT_THAT(city.children(), SizeIs(2));  // the two communes

  // Before the teachers were appointed (1 September 2020) all is shortage.
  *request.mutable_as_of() = D(2020, 8, 1);
  ASSERT_OK_AND_ASSIGN(city, Call(&Stub::GetStaffingBalance, request));
  EXPECT_EQ(city.balances(0).actual(), 0);

  // The shortage view: a's shortage is met from b first (same commune),
  // then the rest; c's from nobody (b has nothing left).
  v1::GetShortageViewRequest view;
  view.set_school_year("2025-2026");
  ASSERT_OK_AND_ASSIGN(v1::GetShortageViewResponse shortages,
                       Call(&Stub::GetShortageView, view));
  ASSERT_THAT(shortages.shortages(), SizeIs(2));
  EXPECT_EQ(shortages.shortages(0).balance().org_unit(), "units/" + s_.a);
  ASSERT_THAT(shortages.shortages(0).nearby_surpluses(), SizeIs(1));
  EXPECT_EQ(shortages.shortages(0).nearby_surpluses(0).org_unit(), "units/" + s_.b);
  ASSERT_THAT(shortages.suggestions(), SizeIs(1));
  const v1::SuggestedTransfer& t = shortages.suggestions(0);
  EXPECT_EQ(t.from_school(), "units/" + s_.b);
  EXPECT_EQ(t.to_school(), "units/" + s_.a);
  EXPECT_EQ(t.count(), 3);
  EXPECT_TRUE(t.same_commune());
  EXPECT_EQ(t.from_balance_after(), 0);
  EXPECT_EQ(t.to_balance_after(), -1);
  EXPECT_EQ(t.total_shortage_before(), 6);
  EXPECT_EQ(t.total_shortage_after(), 3);
  EXPECT_EQ(shortages.total_shortage_after(), 3);
  ASSERT_THAT(t.candidates(), SizeIs(3));
  EXPECT_TRUE(absl::StartsWith(t.candidates(0), "staff/gv-b"));

  // Applying the suggestion (a person decides; here the test) lowers the
  // city's shortage by exactly its count.
  for (const std::string& candidate : t.candidates()) {
    ASSERT_OK(Move(candidate.substr(6), v1::TRANSFER, D(2025, 9, 1), s_.a).status());
  }
  request.clear_as_of();
  ASSERT_OK_AND_ASSIGN(city, Call(&Stub::GetStaffingBalance, request));
  EXPECT_EQ(city.balances(0).shortage(), 3);
  EXPECT_EQ(city.balances(0).surplus(), 0);
}

TEST_F(StaffingServiceTest, SubjectNormsAndNewCircularsAreData) {
  // 12 classes of grade 6: 12 x 1.90 = 22.8 -> 23 teachers; maths
  // 12 x 0.211 = 2.532 -> 3.
  ASSERT_OK(Classes(absl::StrCat(s_.s, ",2025-2026,6,1,12,500,\n")).status());
  ASSERT_OK(Roster(Line("gv-t1", s_.s, "THCS", "BACHELOR", "TEACHER", "toan") +
                   Line("gv-t2", s_.s, "THCS", "BACHELOR", "TEACHER", "ngu-van"))
                .status());
  v1::GetStaffingBalanceRequest request;
  request.set_school_year("2025-2026");
  request.set_org_unit("units/" + s_.s);
  request.set_by_subject(true);
  ASSERT_OK_AND_ASSIGN(v1::GetStaffingBalanceResponse balance,
                       Call(&Stub::GetStaffingBalance, request));
  std::map<std::string, v1::Balance> by_subject;
  for (const v1::Balance& b : balance.balances()) {
    if (b.level() == "THCS") by_subject[b.subject()] = b;
  }
  EXPECT_EQ(by_subject[""].required(), 23);
  EXPECT_EQ(by_subject[""].actual(), 2);
  EXPECT_EQ(by_subject["toan"].required_exact(), "2.532");
  EXPECT_EQ(by_subject["toan"].required(), 3);
  EXPECT_EQ(by_subject["toan"].actual(), 1);
  EXPECT_EQ(by_subject["ngu-van"].required(), 3);
  EXPECT_EQ(by_subject["ngu-van"].actual(), 1);

  // A new circular from 1 September 2025: 2.00 per class.
  v1::CreateNormRequest create;
  v1::Norm& norm = *create.mutable_norm();
  norm.set_level("THCS");
  norm.set_teachers_per_class("2.00");
  *norm.mutable_valid_from() = D(2025, 9, 1);
  norm.set_source("Thông tư mới (test)");
  ASSERT_OK_AND_ASSIGN(v1::Norm created, Call(&Stub::CreateNorm, create));
  EXPECT_EQ(created.teachers_per_class(), "2.000");
  request.set_by_subject(false);
  ASSERT_OK_AND_ASSIGN(balance, Call(&Stub::GetStaffingBalance, request));
  EXPECT_EQ(balance.balances(0).required(), 24);
  *request.mutable_as_of() = D(2025, 8, 31);
  ASSERT_OK_AND_ASSIGN(balance, Call(&Stub::GetStaffingBalance, request));
  EXPECT_EQ(balance.balances(0).required(), 23);
  // The earlier norm ended the day before; an older one is refused.
  v1::ListNormsRequest list;
  *list.mutable_valid_on() = D(2025, 9, 1);
  ASSERT_OK_AND_ASSIGN(v1::ListNormsResponse norms, Call(&Stub::ListNorms, list));
  int thcs = 0;
  for (const v1::Norm& n : norms.norms()) {
    if (n.level() == "THCS" && n.subject().empty()) {
      ++thcs;
      EXPECT_EQ(n.teachers_per_class(), "2.000");
    }
  }
  EXPECT_EQ(thcs, 1);
  *norm.mutable_valid_from() = D(2024, 9, 1);
  EXPECT_THAT(Call(&Stub::CreateNorm, create),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  // Bad norms: every field at once.
  v1::CreateNormRequest bad;
  bad.mutable_norm()->set_level("ĐH");
  bad.mutable_norm()->set_grade("13");
  bad.mutable_norm()->set_teachers_per_class("1,5");
  bad.mutable_norm()->set_sessions_per_day(3);
  absl::StatusOr<v1::Norm> rejected = Call(&Stub::CreateNorm, bad);
  EXPECT_THAT(rejected, HasFieldViolation("norm.level"));
  EXPECT_THAT(rejected, HasFieldViolation("norm.grade"));
  EXPECT_THAT(rejected, HasFieldViolation("norm.teachers_per_class"));
  EXPECT_THAT(rejected, HasFieldViolation("norm.sessions_per_day"));
  EXPECT_THAT(rejected, HasFieldViolation("norm.valid_from"));
  EXPECT_THAT(rejected, HasFieldViolation("norm.source"));
}

TEST_F(StaffingServiceTest, TrainingStandardSharesMatchAHandCountedRoster) {
  // Preschool m: INTERMEDIATE, COLLEGE, BACHELOR -> 2 of 3 meet (66.67%).
  // Primary a: COLLEGE, BACHELOR, MASTER, and a bachelor's degree awarded
  // only on 1 January 2026 (a college degree before) -> on 5 September
  // 2025, 2 of 4 (50.00%); on 1 February 2026, 3 of 4 (75.00%).
  // Non-teachers do not count.
  ASSERT_OK(Roster(Line("gv-n1", s_.m, "MN", "INTERMEDIATE") +
                   Line("gv-n2", s_.m, "MN", "COLLEGE") +
                   Line("gv-n3", s_.m, "MN", "BACHELOR") +
                   Line("nv-n4", s_.m, "MN", "INTERMEDIATE", "STAFF") +
                   Line("gv-p1", s_.a, "TH", "COLLEGE") +
                   Line("gv-p2", s_.a, "TH", "BACHELOR") +
                   Line("gv-p3", s_.a, "TH", "MASTER") +
                   Line("gv-p4", s_.a, "TH", "COLLEGE", "TEACHER", "",
                        "CONTRACT", "2010-06-01"))
                .status());
  ASSERT_OK(Roster(Line("gv-p4", s_.a, "TH", "BACHELOR", "TEACHER", "",
                        "CONTRACT", "2026-01-01"))
                .status());
  v1::GetTrainingStandardSharesRequest request;
  *request.mutable_as_of() = D(2025, 9, 5);
  request.set_drill_down(true);
  ASSERT_OK_AND_ASSIGN(v1::GetTrainingStandardSharesResponse shares,
                       Call(&Stub::GetTrainingStandardShares, request));
  std::map<std::string, v1::TrainingStandardShare> by_level;
  for (const auto& share : shares.shares()) by_level[share.level()] = share;
  EXPECT_EQ(by_level["MN"].teachers(), 3);
  EXPECT_EQ(by_level["MN"].meeting(), 2);
  EXPECT_EQ(by_level["MN"].below(), 1);
  EXPECT_EQ(by_level["MN"].above(), 1);
  EXPECT_EQ(by_level["MN"].percent(), "66.67");
  EXPECT_EQ(by_level["TH"].teachers(), 4);
  EXPECT_EQ(by_level["TH"].meeting(), 2);
  EXPECT_EQ(by_level["TH"].percent(), "50.00");
  EXPECT_FALSE(shares.children().empty());
  *request.mutable_as_of() = D(2026, 2, 1);
  ASSERT_OK_AND_ASSIGN(shares, Call(&Stub::GetTrainingStandardShares, request));
  for (const auto& share : shares.shares()) by_level[share.level()] = share;
  EXPECT_EQ(by_level["TH"].meeting(), 3);
  EXPECT_EQ(by_level["TH"].percent(), "75.00");
  // One school's own figure.
  request.set_org_unit("units/" + s_.m);
  ASSERT_OK_AND_ASSIGN(shares, Call(&Stub::GetTrainingStandardShares, request));
  ASSERT_THAT(shares.shares(), SizeIs(1));
  EXPECT_EQ(shares.shares(0).org_unit(), "units/" + s_.m);
  EXPECT_THAT(shares.children(), SizeIs(0));
  // as_of is required; unknown units are refused.
  v1::GetTrainingStandardSharesRequest bad;
  bad.set_org_unit("units/nowhere");
  absl::StatusOr<v1::GetTrainingStandardSharesResponse> rejected =
      Call(&Stub::GetTrainingStandardShares, bad);
  EXPECT_THAT(rejected, HasFieldViolation("as_of"));
  EXPECT_THAT(rejected, HasFieldViolation("org_unit"));
}

// Indicators 10-13 for the indicators service: teachers meeting the
// standard over teachers, per unit asked, on the school year's reference day
// (5 September of its first year).
TEST_F(StaffingServiceTest, ComputesIndicatorsTenToThirteenPerUnitAsked) {
  // Preschool m: 2 of 3 meet (college). Primary a: COLLEGE, BACHELOR,
  // MASTER -> 2 of 3; b: BACHELOR -> 1 of 1; a and b share a commune: 3 of
  // 4. A teacher who starts on 1 October 2025 is not on 5 September's roll.
  ASSERT_OK(Roster(Line("gv-n1", s_.m, "MN", "INTERMEDIATE") +
                   Line("gv-n2", s_.m, "MN", "COLLEGE") +
                   Line("gv-n3", s_.m, "MN", "BACHELOR") +
                   Line("gv-p1", s_.a, "TH", "COLLEGE") +
                   Line("gv-p2", s_.a, "TH", "BACHELOR") +
                   Line("gv-p3", s_.a, "TH", "MASTER") +
                   Line("gv-p4", s_.b, "TH", "BACHELOR") +
                   absl::StrCat("gv-p5,", s_.b,
                                ",Trần Văn Minh,1990,MALE,TEACHER,TH,,"
                                "CONTRACT,COLLEGE,2012-06-01,2025-10-01,\n"))
                .status());
  auto source = hpedu::indicators::v1::IndicatorSourceService::NewStub(
      hpedu::testing::TestIdentity::Channel(
          absl::StrCat("127.0.0.1:", host_->port()),
          hpedu::testing::TestIdentity::Token(auth::Role::kLeadership)));
  auto compute = [&](const std::string& code, const std::string& period,
                     const std::vector<std::string>& units)
      -> absl::StatusOr<std::map<std::string, std::pair<int64_t, int64_t>>> {
    hpedu::indicators::v1::ComputeIndicatorValuesRequest request;
    request.set_indicator_code(code);
    request.set_period(period);
    for (const std::string& unit : units) request.add_org_units(unit);
    hpedu::indicators::v1::ComputeIndicatorValuesResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        source->ComputeIndicatorValues(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    std::map<std::string, std::pair<int64_t, int64_t>> values;
    for (const auto& value : response.values()) {
      EXPECT_EQ(value.period(), period);
      EXPECT_EQ(value.provenance(),
                hpedu::indicators::v1::COMPUTED_FROM_SERVICE);
      values[value.org_unit()] = {value.numerator(), value.denominator()};
    }
    return values;
  };
  const std::string a = "units/" + s_.a, b = "units/" + s_.b;
  const std::string commune = "units/" + s_.commune_ab;
  using Values = std::map<std::string, std::pair<int64_t, int64_t>>;
  EXPECT_THAT(compute("HP-11", "2025-2026", {a, b, commune, "units/" + s_.c}),
              IsOkAndHolds(Values{{a, {2, 3}}, {b, {1, 1}}, {commune, {3, 4}}}));
  EXPECT_THAT(compute("HP-10", "2025-2026", {"units/" + s_.m, a}),
              IsOkAndHolds(Values{{"units/" + s_.m, {2, 3}}}));
  EXPECT_THAT(compute("HP-11", "2026-2027", {b}),
              IsOkAndHolds(Values{{b, {1, 2}}}));
  EXPECT_THAT(compute("HP-12", "2025-2026", {"units/" + s_.s}),
              IsOkAndHolds(Values{}));
  // No training standard before 1 July 2020.
  EXPECT_THAT(compute("HP-11", "2019-2020", {a}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  absl::StatusOr<Values> bad =
      compute("HP-14", "2025", {"units/nowhere", ""});
  EXPECT_THAT(bad, HasFieldViolation("indicator_code"));
  EXPECT_THAT(bad, HasFieldViolation("period"));
  EXPECT_THAT(bad, HasFieldViolation("org_units[0]"));
  EXPECT_THAT(bad, HasFieldViolation("org_units[1]"));
  EXPECT_THAT(compute("HP-11", "2025-2026", {}),
              HasFieldViolation("org_units"));
}

TEST_F(StaffingServiceTest, QuotasCountFilledAndVacantPosts) {
  ASSERT_OK(Roster(Line("gv-q1", s_.a, "TH", "BACHELOR") +
                   Line("gv-q2", s_.a, "TH", "BACHELOR", "TEACHER", "", "CONTRACT") +
                   Line("gv-q3", s_.b, "TH", "BACHELOR"))
                .status());
  v1::SetQuotaRequest set;
  set.mutable_quota()->set_org_unit("units/" + s_.a);
  set.mutable_quota()->set_school_year("2025-2026");
  set.mutable_quota()->set_posts(3);
  ASSERT_OK(Call(&Stub::SetQuota, set).status());
  set.mutable_quota()->set_org_unit("units/" + s_.commune_ab);
  set.mutable_quota()->set_posts(10);
  ASSERT_OK(Call(&Stub::SetQuota, set).status());
  v1::ListQuotasRequest list;
  list.set_school_year("2025-2026");
  ASSERT_OK_AND_ASSIGN(v1::ListQuotasResponse quotas, Call(&Stub::ListQuotas, list));
  ASSERT_THAT(quotas.quotas(), SizeIs(2));
  std::map<std::string, v1::Quota> by_unit;
  for (const auto& q : quotas.quotas()) by_unit[q.org_unit()] = q;
  EXPECT_EQ(by_unit["units/" + s_.a].filled(), 1);
  EXPECT_EQ(by_unit["units/" + s_.a].vacant(), 2);
  EXPECT_EQ(by_unit["units/" + s_.commune_ab].filled(), 2);
  EXPECT_EQ(by_unit["units/" + s_.commune_ab].vacant(), 8);
  set.mutable_quota()->set_org_unit("units/nowhere");
  set.mutable_quota()->set_posts(-1);
  set.mutable_quota()->set_school_year("2025");
  absl::StatusOr<v1::Quota> rejected = Call(&Stub::SetQuota, set);
  EXPECT_THAT(rejected, HasFieldViolation("quota.org_unit"));
  EXPECT_THAT(rejected, HasFieldViolation("quota.posts"));
  EXPECT_THAT(rejected, HasFieldViolation("quota.school_year"));
}

TEST_F(StaffingServiceTest, StaffRecordsValidatedAndNamesMaskedInLogs) {
  server::SetLogSinkForTesting(&CaptureLog);
  v1::CreateStaffMemberRequest create;
  create.set_staff_member_id("gv-x1");
  v1::StaffMember& m = *create.mutable_staff_member();
  m.set_display_name("Phạm Thị Hoa");
  m.set_birth_year(1990);
  m.set_sex(v1::FEMALE);
  m.set_employment(v1::PERMANENT);
  m.set_qualification(v1::COLLEGE);
  create.mutable_placement()->set_school("units/" + s_.m);
  create.mutable_placement()->set_position(v1::TEACHER);
  create.mutable_placement()->set_level("MN");
  *create.mutable_start_date() = D(2024, 9, 1);
  create.set_request_id("123e4567-e89b-12d3-a456-426614174000");
  ASSERT_OK_AND_ASSIGN(v1::StaffMember created, Call(&Stub::CreateStaffMember, create));
  EXPECT_EQ(created.name(), "staff/gv-x1");
  EXPECT_EQ(created.standard_status(), v1::MEETS_STANDARD);
  // Idempotent by request_id; the id is taken otherwise.
  ASSERT_OK_AND_ASSIGN(v1::StaffMember retried, Call(&Stub::CreateStaffMember, create));
  EXPECT_EQ(retried.name(), created.name());
  create.clear_request_id();
  EXPECT_THAT(Call(&Stub::CreateStaffMember, create),
              StatusIs(absl::StatusCode::kAlreadyExists));

  v1::UpdateStaffMemberRequest update;
  update.mutable_staff_member()->set_name("staff/gv-x1");
  update.mutable_staff_member()->set_qualification(v1::BACHELOR);
  *update.mutable_staff_member()->mutable_qualification_date() = D(2025, 6, 1);
  update.mutable_staff_member()->set_etag(created.etag());
  update.mutable_update_mask()->add_paths("qualification");
  update.mutable_update_mask()->add_paths("qualification_date");
  ASSERT_OK_AND_ASSIGN(v1::StaffMember updated, Call(&Stub::UpdateStaffMember, update));
  EXPECT_EQ(updated.qualification(), v1::BACHELOR);
  EXPECT_EQ(updated.standard_status(), v1::ABOVE_STANDARD);
  EXPECT_THAT(Call(&Stub::UpdateStaffMember, update),
              StatusIs(absl::StatusCode::kAborted));  // stale etag
  server::SetLogSinkForTesting(nullptr);
  {
    absl::MutexLock lock(&log_mu);
    bool masked = false;
    for (const std::string& line : *log_lines) {
      EXPECT_THAT(line, Not(HasSubstr("Hoa")));
      EXPECT_THAT(line, Not(HasSubstr("1990")));
      masked |= absl::StrContains(line, "P*** T** H**");
    }
    EXPECT_TRUE(masked);
  }

  v1::CreateStaffMemberRequest bad;
  bad.set_staff_member_id("GV 1");
  bad.mutable_staff_member()->set_birth_year(1800);
  bad.mutable_placement()->set_school("units/" + s_.m);
  bad.mutable_placement()->set_level("THPT");
  bad.set_request_id("not-a-uuid");
  absl::StatusOr<v1::StaffMember> rejected = Call(&Stub::CreateStaffMember, bad);
  for (const char* field :
       {"staff_member_id", "staff_member.display_name", "staff_member.birth_year",
        "staff_member.sex", "staff_member.employment", "staff_member.qualification",
        "placement.position", "placement.level", "start_date", "request_id"}) {
    EXPECT_THAT(rejected, HasFieldViolation(field)) << field;
  }
  EXPECT_THAT(Who(s_.m, D(2025, 1, 1)), ElementsAre("staff/gv-x1"));
}

TEST_F(StaffingServiceTest, ListStaffPagesAndFilters) {
  std::string roster;
  for (int i = 0; i < 7; ++i) {
    roster += Line(absl::StrCat("gv-l", i), s_.a, "TH", "BACHELOR");
  }
  roster += Line("nv-l9", s_.a, "TH", "COLLEGE", "STAFF");
  ASSERT_OK(Roster(roster).status());
  v1::ListStaffMembersRequest request;
  request.set_org_unit("units/" + s_.a);
  request.set_position(v1::TEACHER);
  request.set_page_size(3);
  std::vector<std::string> seen;
  while (true) {
    ASSERT_OK_AND_ASSIGN(v1::ListStaffMembersResponse page,
                         Call(&Stub::ListStaffMembers, request));
    for (const auto& m : page.staff_members()) seen.push_back(m.name());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(seen, SizeIs(7));
  request.set_org_unit("units/" + s_.b);
  EXPECT_THAT(Call(&Stub::ListStaffMembers, request),
              StatusIs(absl::StatusCode::kInvalidArgument));  // token of another query
  request.clear_page_token();
  request.set_level("ĐH");
  EXPECT_THAT(Call(&Stub::ListStaffMembers, request), HasFieldViolation("level"));
}

}  // namespace
}  // namespace hpedu::staffing
