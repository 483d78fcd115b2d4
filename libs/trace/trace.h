// Tracing behind one small interface, so opentelemetry-cpp (not packaged in
// Debian 12) can replace it later: spans are recorded as SpanData, batched by
// a bounded queue and handed to a SpanExporter (OtlpHttpExporter writes
// OTLP/HTTP protobuf) on a background thread. Recording a span never blocks
// on I/O: when the queue is full the span is dropped and counted.
//
// The span a thread is working in (a server call's handler, a transaction)
// is thread-local; ScopedSpan starts a child of it and makes itself current:
//
//   trace::ScopedSpan span("db.transaction", trace::SpanKind::kClient);
//   ... work; nested ScopedSpans become its children ...
//   span.SetError("…");  // optional
#ifndef HPEDU_LIBS_TRACE_TRACE_H_
#define HPEDU_LIBS_TRACE_TRACE_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace hpedu::trace {

enum class SpanKind { kInternal, kServer, kClient };

// One finished span. Ids are lowercase hex (32 and 16 digits).
struct SpanData {
  std::string service;  // becomes the resource's service.name
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;  // empty for a root span
  std::string name;
  SpanKind kind = SpanKind::kInternal;
  absl::Time start;
  absl::Time end;
  std::vector<std::pair<std::string, std::string>> attributes;
  bool error = false;
  std::string status_message;
};

// Where batches of finished spans go. Export runs on the processor's own
// thread, one batch at a time.
class SpanExporter {
 public:
  virtual ~SpanExporter() = default;
  virtual void Export(std::vector<SpanData> batch) = 0;
};

struct BatchOptions {
  size_t max_queue = 2048;       // spans waiting; beyond this, dropped
  size_t max_batch = 512;        // spans per Export
  absl::Duration interval = absl::Seconds(1);  // export at least this often
};

// Queues spans and exports them in batches on a thread of its own.
class BatchSpanProcessor {
 public:
  BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter,
                     BatchOptions options = {});
  // Exports what is queued, then stops the thread.
  ~BatchSpanProcessor();

  // Never blocks on the exporter: drops the span if the queue is full.
  void OnEnd(SpanData span);
  // Blocks until everything queued before the call has been exported.
  void Flush();
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  void Run();

  std::unique_ptr<SpanExporter> exporter_;
  const BatchOptions options_;
  std::atomic<uint64_t> dropped_{0};
  absl::Mutex mu_;
  std::deque<SpanData> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t enqueued_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t exported_ ABSL_GUARDED_BY(mu_) = 0;
  bool flush_requested_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// The process's tracer. Off (spans cost a thread-local read) until an
// exporter is installed.
class Tracer {
 public:
  static Tracer& Default();

  // Installs (or with null, removes) where spans go. Flushes the old one.
  void SetExporter(std::unique_ptr<SpanExporter> exporter,
                   BatchOptions options = {});
  bool enabled() const { return enabled_.load(std::memory_order_acquire); }
  void Record(SpanData span);
  void Flush();
  uint64_t dropped();

 private:
  std::atomic<bool> enabled_{false};
  absl::Mutex mu_;
  std::shared_ptr<BatchSpanProcessor> processor_ ABSL_GUARDED_BY(mu_);
};

// Random lowercase hex ids.
std::string NewTraceId();
std::string NewSpanId();

// The span this thread works in, if any.
struct ActiveContext {
  std::string service;
  std::string trace_id;
  std::string span_id;
};
const ActiveContext* Current();

// A span that is current on this thread between construction and
// destruction, when it ends and is recorded. Without an enclosing span (or
// with the tracer off) it records nothing and costs almost nothing.
class ScopedSpan {
 public:
  // A child of the thread's current span.
  ScopedSpan(std::string name, SpanKind kind);
  // A span with explicit ids (a server call's span: its id was chosen when
  // the call context was made, its parent is the caller's span).
  ScopedSpan(std::string service, std::string trace_id, std::string span_id,
             std::string parent_span_id, std::string name, SpanKind kind,
             absl::Time start);
  ~ScopedSpan();
  ScopedSpan(const ScopedSpan&) = delete;
  ScopedSpan& operator=(const ScopedSpan&) = delete;

  bool recording() const { return recording_; }
  void SetAttribute(std::string key, std::string value);
  void SetError(std::string message);

 private:
  bool recording_ = false;
  SpanData data_;
  ActiveContext context_;
  const ActiveContext* previous_ = nullptr;
};

}  // namespace hpedu::trace

#endif  // HPEDU_LIBS_TRACE_TRACE_H_
