#include "services/gateway/backends.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/base/string_view.h"
#include "libs/status/grpc_status.h"

namespace hpedu::gateway {
namespace {

// Calls `start` (an async stub method bound to a stub) with its own context,
// request and response, kept alive until the callback.
template <typename Request, typename Response>
using Start = std::function<void(grpc::ClientContext*, const Request*,
                                 Response*, std::function<void(grpc::Status)>)>;

template <typename Request, typename Response>
void CallAsync(std::unique_ptr<grpc::ClientContext> context, Request request,
               Start<Request, Response> start,
               std::function<void(absl::StatusOr<Response>)> done) {
  struct Call {
    std::unique_ptr<grpc::ClientContext> context;
    Request request;
    Response response;
    std::function<void(absl::StatusOr<Response>)> done;
  };
  auto call = std::make_shared<Call>(
      Call{std::move(context), std::move(request), Response(), std::move(done)});
  start(call->context.get(), &call->request, &call->response,
        [call](grpc::Status status) {
          if (status.ok()) {
            call->done(std::move(call->response));
          } else {
            call->done(FromGrpcStatus(status));
          }
        });
}

// The cache key: method, request bytes and identity.
std::string Key(std::string_view method,
                const google::protobuf::Message& request,
                const Outgoing& out) {
  std::string bytes;
  request.SerializeToString(&bytes);
  return absl::StrCat(ToAbsl(method), "\n", out.caller_id, "\n",
                      out.authorization, "\n", bytes);
}

constexpr int kPageSize = 1000;

}  // namespace

CallSpan::CallSpan(std::string service, std::string trace_id,
                   std::string span_id, std::string parent_span_id,
                   std::string method) {
  absl::MutexLock lock(&mu_);
  recording_ = trace::Tracer::Default().enabled() && !trace_id.empty();
  if (!recording_) return;
  data_.service = std::move(service);
  data_.trace_id = std::move(trace_id);
  data_.span_id = std::move(span_id);
  data_.parent_span_id = std::move(parent_span_id);
  data_.name = std::move(method);
  data_.kind = trace::SpanKind::kServer;
  data_.start = absl::Now();
  data_.attributes = {{"rpc.system", "grpc"}};
}

void CallSpan::End() {
  absl::MutexLock lock(&mu_);
  if (!recording_) return;
  recording_ = false;
  data_.end = absl::Now();
  trace::Tracer::Default().Record(std::move(data_));
}

std::unique_ptr<grpc::ClientContext> NewBackendContext(const Outgoing& out,
                                                       absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(
      absl::ToChronoTime(std::min(out.deadline, absl::Now() + timeout)));
  if (!out.traceparent.empty()) {
    context->AddMetadata("traceparent", out.traceparent);
  }
  if (!out.request_id.empty()) {
    context->AddMetadata("x-request-id", out.request_id);
  }
  if (!out.authorization.empty()) {
    context->AddMetadata("authorization", out.authorization);
  }
  return context;
}

Backends::Backends(server::PeerChannels* peers, BackendOptions options)
    : peers_(peers),
      options_(options),
      roll_up_(options.cache_ttl),
      indicators_(options.cache_ttl),
      units_(options.cache_ttl),
      chasing_(options.cache_ttl),
      coverage_(options.cache_ttl),
      documents_(options.cache_ttl),
      staffing_balance_(options.cache_ttl),
      compliance_(options.cache_ttl),
      project_progress_(options.cache_ttl) {}

Backends::~Backends() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int* in_flight) { return *in_flight == 0; }, &in_flight_));
}

void Backends::CallStarted() {
  absl::MutexLock lock(&mu_);
  ++in_flight_;
}

void Backends::CallEnded() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

template <typename Stub>
absl::StatusOr<std::unique_ptr<Stub>> Backends::NewStub(
    std::string_view service) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = peers_->Get(service);
  if (!channel.ok()) return channel.status();
  return std::make_unique<Stub>(*channel);
}

template <typename Stub, typename Request, typename Response>
void Backends::Unary(CoalescingCache<Response>& cache, std::string_view service,
                     std::string_view method, AsyncMethod<Stub, Request, Response> fn,
                     const Outgoing& out, const Request& request,
                     Receiver<Response> done) {
  cache.Get(
      Key(method, request, out),
      [this, service, fn, out, request](
          std::function<void(absl::StatusOr<Response>)> complete) {
        absl::StatusOr<std::unique_ptr<Stub>> stub = NewStub<Stub>(service);
        if (!stub.ok()) return complete(stub.status());
        std::shared_ptr<Stub> shared = std::move(*stub);
        CallStarted();
        CallAsync<Request, Response>(
            NewBackendContext(out, options_.backend_timeout), request,
            [shared, fn](grpc::ClientContext* c, const Request* q, Response* r,
                         std::function<void(grpc::Status)> f) {
              (shared->async()->*fn)(c, q, r, std::move(f));
            },
            [this, shared, complete](absl::StatusOr<Response> result) {
              complete(std::move(result));
              CallEnded();  // last: the destructor may run from here on
            });
      },
      std::move(done));
}

void Backends::RollUp(const Outgoing& out, const iv1::RollUpRequest& request,
                      Receiver<iv1::RollUpResponse> done) {
  using Stub = iv1::IndicatorsService::Stub;
  Unary<Stub>(roll_up_, "indicators", "RollUp", &Stub::async::RollUp, out,
              request, std::move(done));
}

void Backends::GetChasingList(const Outgoing& out,
                              const pv1::GetChasingListRequest& request,
                              Receiver<pv1::ChasingList> done) {
  using Stub = pv1::PlansService::Stub;
  Unary<Stub>(chasing_, "plans", "GetChasingList",
              &Stub::async::GetChasingList, out, request, std::move(done));
}

void Backends::GetCascadeCoverage(
    const Outgoing& out, const pv1::GetCascadeCoverageRequest& request,
    Receiver<pv1::CascadeCoverage> done) {
  using Stub = pv1::PlansService::Stub;
  Unary<Stub>(coverage_, "plans", "GetCascadeCoverage",
              &Stub::async::GetCascadeCoverage, out, request, std::move(done));
}

void Backends::GetDocument(const Outgoing& out,
                           const pv1::GetDocumentRequest& request,
                           Receiver<pv1::Document> done) {
  using Stub = pv1::PlansService::Stub;
  Unary<Stub>(documents_, "plans", "GetDocument", &Stub::async::GetDocument,
              out, request, std::move(done));
}

void Backends::GetStaffingBalance(
    const Outgoing& out, const sv1::GetStaffingBalanceRequest& request,
    Receiver<sv1::GetStaffingBalanceResponse> done) {
  using Stub = sv1::StaffingService::Stub;
  Unary<Stub>(staffing_balance_, "staffing", "GetStaffingBalance",
              &Stub::async::GetStaffingBalance, out, request, std::move(done));
}

void Backends::GetComplianceReport(
    const Outgoing& out, const bv1::GetComplianceReportRequest& request,
    Receiver<bv1::ComplianceReport> done) {
  using Stub = bv1::BudgetService::Stub;
  Unary<Stub>(compliance_, "budget", "GetComplianceReport",
              &Stub::async::GetComplianceReport, out, request, std::move(done));
}

void Backends::ListProjectProgress(
    const Outgoing& out, const bv1::ListProjectProgressRequest& request,
    Receiver<bv1::ListProjectProgressResponse> done) {
  using Stub = bv1::BudgetService::Stub;
  Unary<Stub>(project_progress_, "budget", "ListProjectProgress",
              &Stub::async::ListProjectProgress, out, request, std::move(done));
}

namespace {

// Fetches every page of a List call, one page after the other, each page's
// call started from the previous one's callback.
template <typename Stub, typename Request, typename Response, typename Item>
struct PageWalk : std::enable_shared_from_this<
                      PageWalk<Stub, Request, Response, Item>> {
  std::shared_ptr<Stub> stub;
  Outgoing out;
  absl::Duration timeout;
  Request request;
  Start<Request, Response> start;
  std::function<void(Response&, std::vector<Item>&)> take;
  std::vector<Item> items;
  std::function<void(absl::StatusOr<std::vector<Item>>)> complete;

  void Next() {
    auto self = this->shared_from_this();
    CallAsync<Request, Response>(
        NewBackendContext(out, timeout), request, start,
        [self](absl::StatusOr<Response> page) {
          if (!page.ok()) return self->complete(page.status());
          self->take(*page, self->items);
          if (page->next_page_token().empty()) {
            return self->complete(std::move(self->items));
          }
          self->request.set_page_token(page->next_page_token());
          self->Next();
        });
  }
};

}  // namespace

template <typename Stub, typename Request, typename Response, typename Item>
void Backends::Pages(
    CoalescingCache<std::vector<Item>>& cache, std::string_view service,
    std::string_view method, AsyncMethod<Stub, Request, Response> fn,
    google::protobuf::RepeatedPtrField<Item>* (Response::*items)(),
    const Outgoing& out, const Request& request,
    Receiver<std::vector<Item>> done) {
  cache.Get(
      Key(method, request, out),
      [this, service, fn, items, out, request](
          std::function<void(absl::StatusOr<std::vector<Item>>)> complete) {
        absl::StatusOr<std::unique_ptr<Stub>> stub = NewStub<Stub>(service);
        if (!stub.ok()) return complete(stub.status());
        auto walk = std::make_shared<PageWalk<Stub, Request, Response, Item>>();
        walk->stub = std::move(*stub);
        walk->out = out;
        walk->timeout = options_.backend_timeout;
        walk->request = request;
        walk->start = [s = walk->stub.get(), fn](
                          grpc::ClientContext* c, const Request* q,
                          Response* r, std::function<void(grpc::Status)> f) {
          (s->async()->*fn)(c, q, r, std::move(f));
        };
        walk->take = [items](Response& page, std::vector<Item>& all) {
          for (Item& item : *(page.*items)()) all.push_back(std::move(item));
        };
        CallStarted();
        walk->complete = [this, complete = std::move(complete)](auto result) {
          complete(std::move(result));
          CallEnded();  // last: the destructor may run from here on
        };
        walk->Next();
      },
      std::move(done));
}

void Backends::ListIndicators(const Outgoing& out,
                              Receiver<std::vector<iv1::Indicator>> done) {
  using Stub = iv1::IndicatorsService::Stub;
  iv1::ListIndicatorsRequest request;
  request.set_page_size(kPageSize);
  Pages<Stub>(indicators_, "indicators", "ListIndicators",
              &Stub::async::ListIndicators,
              &iv1::ListIndicatorsResponse::mutable_indicators, out, request,
              std::move(done));
}

void Backends::ListUnits(const Outgoing& out,
                         const rv1::ListUnitsRequest& list,
                         Receiver<std::vector<rv1::Unit>> done) {
  using Stub = rv1::RegistryService::Stub;
  rv1::ListUnitsRequest request = list;
  request.set_page_size(kPageSize);
  request.clear_page_token();
  Pages<Stub>(units_, "registry", "ListUnits", &Stub::async::ListUnits,
              &rv1::ListUnitsResponse::mutable_units, out, request,
              std::move(done));
}

CacheStats Backends::stats(std::string_view method) const {
  if (method == "RollUp") return roll_up_.stats();
  if (method == "ListIndicators") return indicators_.stats();
  if (method == "ListUnits") return units_.stats();
  if (method == "GetChasingList") return chasing_.stats();
  if (method == "GetCascadeCoverage") return coverage_.stats();
  if (method == "GetDocument") return documents_.stats();
  if (method == "GetStaffingBalance") return staffing_balance_.stats();
  if (method == "GetComplianceReport") return compliance_.stats();
  if (method == "ListProjectProgress") return project_progress_.stats();
  return {};
}

}  // namespace hpedu::gateway
