// For the gateway's tests, benchmark and browser test: the real services
// (registry, plans, indicators) in-process over one throwaway PostgreSQL
// (the registry is the shared demo registry), accepting the test identity,
// loaded with the demo data (units, documents and the 38 tasks of the plan
// for 51/NQ-CP, the indicators with their targets and the generated values
// of 2025-2026), the staffing service (the classes and teachers of two
// primary schools of Phường Đồ Sơn, norms from its migrations) and the budget
// service (the 2026 and this year's estimates of the city and of Phường Đồ
// Sơn, and the demo's school investment projects with their payments, a
// third lagging), and a fake
// indicators service that can be made slow or
// failing. The fake is a real gRPC server; nothing fakes a database.
#ifndef HPEDU_SERVICES_GATEWAY_TESTING_BACKEND_SUITE_H_
#define HPEDU_SERVICES_GATEWAY_TESTING_BACKEND_SUITE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/alarm.h"
#include "grpcpp/grpcpp.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "libs/server/service_host.h"

namespace hpedu::gateway::testing {

// The demo's school year.
inline constexpr char kPeriod[] = "2025-2026";
// The commune with staffing and budget data, and the fiscal year of its
// budget and the city's.
inline constexpr char kDataCommune[] = "units/phuong-do-son";
inline constexpr int kFiscalYear = 2026;

class BackendSuite {
 public:
  // Starts the three services and loads the demo. Aborts on failure (test
  // setup). One per process is enough: Shared().
  static BackendSuite& Shared();

  // host:port of "registry", "plans", "indicators", "staffing", "budget".
  const std::map<std::string, std::string>& addresses() const {
    return addresses_;
  }
  // Stops the indicators service (a backend killed mid-run), and starts it
  // again on the same port and database.
  void StopIndicators();
  absl::Status RestartIndicators();

 private:
  BackendSuite() = default;
  void Start();

  std::string indicators_db_;
  int indicators_port_ = 0;
  std::unique_ptr<server::ServiceHost> plans_;
  std::unique_ptr<server::ServiceHost> indicators_;
  std::unique_ptr<server::ServiceHost> staffing_;
  std::unique_ptr<server::ServiceHost> budget_;
  std::map<std::string, std::string> addresses_;
};

// What a fake backend saw of one call.
struct SeenCall {
  std::string method;
  absl::Time deadline;
  std::string authorization;
  std::string traceparent;
};

// An IndicatorsService that answers RollUp and ListIndicators after `delay`
// (a timer, no thread held) with canned answers, or fails with `failure`.
class FakeIndicators final
    : public indicators::v1::IndicatorsService::CallbackService {
 public:
  FakeIndicators();
  ~FakeIndicators() override;

  void set_delay(absl::Duration delay);
  void set_failure(grpc::Status failure);
  // The answer to RollUp.
  void set_roll_up(indicators::v1::RollUpResponse response);

  std::vector<SeenCall> calls() const;
  int calls_of(const std::string& method) const;
  std::string address() const { return address_; }

  grpc::ServerUnaryReactor* RollUp(
      grpc::CallbackServerContext* context,
      const indicators::v1::RollUpRequest* request,
      indicators::v1::RollUpResponse* response) override;
  grpc::ServerUnaryReactor* ListIndicators(
      grpc::CallbackServerContext* context,
      const indicators::v1::ListIndicatorsRequest* request,
      indicators::v1::ListIndicatorsResponse* response) override;

 private:
  template <typename Response>
  grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                   const std::string& method,
                                   Response* response, Response canned);

  mutable absl::Mutex mu_;
  absl::Duration delay_ ABSL_GUARDED_BY(mu_);
  grpc::Status failure_ ABSL_GUARDED_BY(mu_);
  indicators::v1::RollUpResponse roll_up_ ABSL_GUARDED_BY(mu_);
  std::vector<SeenCall> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<grpc::Alarm>> alarms_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
};

}  // namespace hpedu::gateway::testing

#endif  // HPEDU_SERVICES_GATEWAY_TESTING_BACKEND_SUITE_H_
