#include "libs/trace/otlp_http_exporter.h"

#include <httplib.h>

#include <cstdio>
#include <map>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace hpedu::trace {
namespace {

namespace otlp = ::opentelemetry::proto;

std::string HexToBytes(const std::string& hex) {
  return absl::HexStringToBytes(hex);
}

uint64_t UnixNanos(absl::Time t) {
  return static_cast<uint64_t>(absl::ToUnixNanos(t));
}

void AddString(google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>*
                   attributes,
               const std::string& key, const std::string& value) {
  auto* kv = attributes->Add();
  kv->set_key(key);
  kv->mutable_value()->set_string_value(value);
}

otlp::trace::v1::Span::SpanKind Kind(SpanKind kind) {
  switch (kind) {
    case SpanKind::kServer:
      return otlp::trace::v1::Span::SPAN_KIND_SERVER;
    case SpanKind::kClient:
      return otlp::trace::v1::Span::SPAN_KIND_CLIENT;
    case SpanKind::kInternal:
      break;
  }
  return otlp::trace::v1::Span::SPAN_KIND_INTERNAL;
}

}  // namespace

otlp::collector::trace::v1::ExportTraceServiceRequest ToOtlpRequest(
    const std::vector<SpanData>& batch) {
  otlp::collector::trace::v1::ExportTraceServiceRequest request;
  std::map<std::string, otlp::trace::v1::ScopeSpans*> by_service;
  for (const SpanData& data : batch) {
    otlp::trace::v1::ScopeSpans*& scope = by_service[data.service];
    if (scope == nullptr) {
      auto* resource_spans = request.add_resource_spans();
      AddString(resource_spans->mutable_resource()->mutable_attributes(),
                "service.name", data.service);
      scope = resource_spans->add_scope_spans();
      scope->mutable_scope()->set_name("hpedu");
    }
    auto* span = scope->add_spans();
    span->set_trace_id(HexToBytes(data.trace_id));
    span->set_span_id(HexToBytes(data.span_id));
    if (!data.parent_span_id.empty()) {
      span->set_parent_span_id(HexToBytes(data.parent_span_id));
    }
    span->set_name(data.name);
    span->set_kind(Kind(data.kind));
    span->set_start_time_unix_nano(UnixNanos(data.start));
    span->set_end_time_unix_nano(UnixNanos(data.end));
    for (const auto& [key, value] : data.attributes) {
      AddString(span->mutable_attributes(), key, value);
    }
    if (data.error) {
      span->mutable_status()->set_code(
          otlp::trace::v1::Status::STATUS_CODE_ERROR);
      span->mutable_status()->set_message(data.status_message);
    }
  }
  return request;
}

absl::StatusOr<std::unique_ptr<OtlpHttpExporter>> OtlpHttpExporter::Create(
    const std::string& endpoint) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "otlp endpoint must be http://host:port/path, got ", endpoint));
  };
  const std::string kScheme = "http://";
  if (!absl::StartsWith(endpoint, kScheme)) return bad();
  std::string rest = endpoint.substr(kScheme.size());
  const size_t slash = rest.find('/');
  std::string path = slash == std::string::npos ? "/v1/traces" : rest.substr(slash);
  std::string authority = rest.substr(0, slash);
  const size_t colon = authority.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(authority.substr(colon + 1), &port) || port <= 0 ||
      port > 65535 || colon == 0) {
    return bad();
  }
  return std::unique_ptr<OtlpHttpExporter>(
      new OtlpHttpExporter(authority.substr(0, colon), port, path));
}

void OtlpHttpExporter::Export(std::vector<SpanData> batch) {
  const std::string body = ToOtlpRequest(batch).SerializeAsString();
  httplib::Client client(host_, port_);
  client.set_connection_timeout(2);
  client.set_read_timeout(5);
  client.set_write_timeout(5);
  auto response = client.Post(path_, body, "application/x-protobuf");
  if (response && response->status >= 200 && response->status < 300) return;
  const absl::Time now = absl::Now();
  if (now - last_error_log_ < absl::Minutes(1)) return;
  last_error_log_ = now;
  std::fprintf(stderr,
               "{\"level\":\"warning\",\"msg\":\"otlp export failed\","
               "\"spans\":%zu,\"status\":%d}\n",
               batch.size(), response ? response->status : -1);
}

}  // namespace hpedu::trace
