// A SpanExporter that POSTs OTLP/HTTP protobuf (ExportTraceServiceRequest,
// Content-Type application/x-protobuf) to an OpenTelemetry Collector or any
// OTLP receiver, e.g. http://127.0.0.1:4318/v1/traces. Failed exports are
// logged to stderr once per minute at most and the batch is dropped.
#ifndef HPEDU_LIBS_TRACE_OTLP_HTTP_EXPORTER_H_
#define HPEDU_LIBS_TRACE_OTLP_HTTP_EXPORTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/trace/trace.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace hpedu::trace {

// The request for one batch: one ResourceSpans per service.name.
opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest
ToOtlpRequest(const std::vector<SpanData>& batch);

class OtlpHttpExporter : public SpanExporter {
 public:
  // INVALID_ARGUMENT unless `endpoint` is http://host:port/path.
  static absl::StatusOr<std::unique_ptr<OtlpHttpExporter>> Create(
      const std::string& endpoint);

  void Export(std::vector<SpanData> batch) override;

 private:
  OtlpHttpExporter(std::string host, int port, std::string path)
      : host_(std::move(host)), port_(port), path_(std::move(path)) {}
  std::string host_;
  int port_;
  std::string path_;
  absl::Time last_error_log_ = absl::InfinitePast();
};

}  // namespace hpedu::trace

#endif  // HPEDU_LIBS_TRACE_OTLP_HTTP_EXPORTER_H_
