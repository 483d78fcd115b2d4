// The gateway's clients of the other services: every call asynchronous
// (gRPC's callback API: no thread waits for an answer), with the caller's
// deadline, trace, request id and authorization passed down, through a short
// cache that coalesces identical concurrent requests.
#ifndef HPEDU_SERVICES_GATEWAY_BACKENDS_H_
#define HPEDU_SERVICES_GATEWAY_BACKENDS_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "hpedu/budget/v1/budget_service.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.grpc.pb.h"
#include "hpedu/plans/v1/plans_service.grpc.pb.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "hpedu/staffing/v1/staffing_service.grpc.pb.h"
#include "libs/server/peers.h"
#include "libs/trace/trace.h"
#include "services/gateway/response_cache.h"

namespace hpedu::gateway {

namespace bv1 = ::hpedu::budget::v1;
namespace iv1 = ::hpedu::indicators::v1;
namespace pv1 = ::hpedu::plans::v1;
namespace rv1 = ::hpedu::registry::v1;
namespace sv1 = ::hpedu::staffing::v1;

struct BackendOptions {
  // How long an answer is reused (0: coalescing only).
  absl::Duration cache_ttl = absl::Seconds(5);
  // The longest a backend call may take, whatever the caller's deadline.
  absl::Duration backend_timeout = absl::Seconds(5);
};

// On whose behalf calls are made.
// The server span of one gateway call (with the tracer on). Its handlers
// answer from other threads, so it is no ScopedSpan: End() records it when
// the view answers (the destructor, if it never does). Thread-safe.
class CallSpan {
 public:
  // Recording nothing if `trace_id` is empty or the tracer is off.
  CallSpan(std::string service, std::string trace_id, std::string span_id,
           std::string parent_span_id, std::string method);
  ~CallSpan() { End(); }
  CallSpan(const CallSpan&) = delete;
  CallSpan& operator=(const CallSpan&) = delete;
  void End();

 private:
  absl::Mutex mu_;
  bool recording_ ABSL_GUARDED_BY(mu_) = false;
  trace::SpanData data_ ABSL_GUARDED_BY(mu_);
};

struct Outgoing {
  // When the backend's answer is needed by (the caller's deadline less the
  // gateway's margin).
  absl::Time deadline;
  std::string traceparent;
  std::string request_id;
  // The caller's `authorization` value ("Bearer ..."), forwarded as is.
  std::string authorization;
  // Who calls (a person, or a system by its certificate). With the token,
  // part of every cache key: answers are never shared across identities.
  std::string caller_id;
  // The gateway call's span, the parent of the backend calls
  // (`traceparent` names it); never null.
  std::shared_ptr<CallSpan> span;
};

// A new client context for a backend call: deadline min(out.deadline,
// now + timeout), traceparent, x-request-id and authorization metadata.
std::unique_ptr<grpc::ClientContext> NewBackendContext(const Outgoing& out,
                                                       absl::Duration timeout);

template <typename V>
using Receiver = std::function<void(Fetched<V>)>;

// Thread-safe. Callbacks run on gRPC threads (or at once, from the cache or
// for a service with no address).
//
// Adding a service: a cache and a method here like GetChasingList, a Slot in
// the views that use it (gateway_service.cc), and a Compose function in
// views.{h,cc} (as ComposeStaffing and ComposeBudget).
class Backends {
 public:
  Backends(server::PeerChannels* peers, BackendOptions options);
  // Waits for backend calls still in flight (each ends by its deadline):
  // their callbacks use this object.
  ~Backends();

  void RollUp(const Outgoing& out, const iv1::RollUpRequest& request,
              Receiver<iv1::RollUpResponse> done);
  // Every indicator (all pages).
  void ListIndicators(const Outgoing& out,
                      Receiver<std::vector<iv1::Indicator>> done);
  // Every unit matching `request` (all pages; page fields ignored).
  void ListUnits(const Outgoing& out, const rv1::ListUnitsRequest& request,
                 Receiver<std::vector<rv1::Unit>> done);
  void GetChasingList(const Outgoing& out,
                      const pv1::GetChasingListRequest& request,
                      Receiver<pv1::ChasingList> done);
  void GetCascadeCoverage(const Outgoing& out,
                          const pv1::GetCascadeCoverageRequest& request,
                          Receiver<pv1::CascadeCoverage> done);
  void GetDocument(const Outgoing& out, const pv1::GetDocumentRequest& request,
                   Receiver<pv1::Document> done);
  void GetStaffingBalance(const Outgoing& out,
                          const sv1::GetStaffingBalanceRequest& request,
                          Receiver<sv1::GetStaffingBalanceResponse> done);
  void GetComplianceReport(const Outgoing& out,
                           const bv1::GetComplianceReportRequest& request,
                           Receiver<bv1::ComplianceReport> done);
  // Not paged: the service answers every project (or one budget's) at once.
  void ListProjectProgress(const Outgoing& out,
                           const bv1::ListProjectProgressRequest& request,
                           Receiver<bv1::ListProjectProgressResponse> done);

  // Backend calls started, cache hits and coalesced waits, by method
  // ("RollUp", "ListUnits"...).
  CacheStats stats(std::string_view method) const;

 private:
  // A stub's async method, e.g. &Stub::async::RollUp.
  template <typename Stub, typename Request, typename Response>
  using AsyncMethod = void (Stub::async::*)(grpc::ClientContext*,
                                            const Request*, Response*,
                                            std::function<void(grpc::Status)>);

  template <typename Stub>
  absl::StatusOr<std::unique_ptr<Stub>> NewStub(std::string_view service);

  // One cached, coalesced unary call to `service`.
  template <typename Stub, typename Request, typename Response>
  void Unary(CoalescingCache<Response>& cache, std::string_view service,
             std::string_view method, AsyncMethod<Stub, Request, Response> fn,
             const Outgoing& out, const Request& request,
             Receiver<Response> done);

  // Every page of a List call to `service`, cached and coalesced as one
  // answer; `items` names the page's repeated field.
  template <typename Stub, typename Request, typename Response, typename Item>
  void Pages(CoalescingCache<std::vector<Item>>& cache,
             std::string_view service, std::string_view method,
             AsyncMethod<Stub, Request, Response> fn,
             google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
             const Outgoing& out, const Request& request,
             Receiver<std::vector<Item>> done);

  // Counts calls in flight; the destructor waits for none.
  void CallStarted();
  void CallEnded();

  server::PeerChannels* peers_;
  BackendOptions options_;
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  CoalescingCache<iv1::RollUpResponse> roll_up_;
  CoalescingCache<std::vector<iv1::Indicator>> indicators_;
  CoalescingCache<std::vector<rv1::Unit>> units_;
  CoalescingCache<pv1::ChasingList> chasing_;
  CoalescingCache<pv1::CascadeCoverage> coverage_;
  CoalescingCache<pv1::Document> documents_;
  CoalescingCache<sv1::GetStaffingBalanceResponse> staffing_balance_;
  CoalescingCache<bv1::ComplianceReport> compliance_;
  CoalescingCache<bv1::ListProjectProgressResponse> project_progress_;
};

}  // namespace hpedu::gateway

#endif  // HPEDU_SERVICES_GATEWAY_BACKENDS_H_
