#include "libs/trace/trace.h"

#include "absl/random/random.h"

namespace hpedu::trace {
namespace {

thread_local const ActiveContext* current = nullptr;

std::string RandomHex(int bytes) {
  thread_local absl::BitGen gen;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  bool all_zero = true;
  for (int i = 0; i < bytes; ++i) {
    const uint8_t byte = absl::Uniform<uint8_t>(gen);
    all_zero = all_zero && byte == 0;
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  if (all_zero) out.back() = '1';  // all-zero ids are invalid
  return out;
}

}  // namespace

std::string NewTraceId() { return RandomHex(16); }
std::string NewSpanId() { return RandomHex(8); }
const ActiveContext* Current() { return current; }

BatchSpanProcessor::BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter,
                                       BatchOptions options)
    : exporter_(std::move(exporter)), options_(options) {
  thread_ = std::thread([this] { Run(); });
}

BatchSpanProcessor::~BatchSpanProcessor() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  thread_.join();
}

void BatchSpanProcessor::OnEnd(SpanData span) {
  absl::MutexLock lock(&mu_);
  if (queue_.size() >= options_.max_queue) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  queue_.push_back(std::move(span));
  ++enqueued_;
}

void BatchSpanProcessor::Flush() {
  absl::MutexLock lock(&mu_);
  const uint64_t target = enqueued_;
  flush_requested_ = true;
  auto done = [this, target]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return exported_ >= target || stop_;
  };
  mu_.Await(absl::Condition(&done));
}

void BatchSpanProcessor::Run() {
  for (;;) {
    std::vector<SpanData> batch;
    bool stopping = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stop_ || flush_requested_ ||
               queue_.size() >= options_.max_batch;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), options_.interval);
      stopping = stop_;
      const size_t n = std::min(queue_.size(), options_.max_batch);
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (queue_.empty()) flush_requested_ = false;
    }
    const size_t n = batch.size();
    // The exporter's I/O happens here, with no lock held.
    if (n > 0) exporter_->Export(std::move(batch));
    absl::MutexLock lock(&mu_);
    exported_ += n;
    if (stopping && queue_.empty()) return;
  }
}

Tracer& Tracer::Default() {
  static auto* const kTracer = new Tracer();
  return *kTracer;
}

void Tracer::SetExporter(std::unique_ptr<SpanExporter> exporter,
                         BatchOptions options) {
  std::shared_ptr<BatchSpanProcessor> old;
  {
    absl::MutexLock lock(&mu_);
    old = std::move(processor_);
    if (exporter != nullptr) {
      processor_ = std::make_shared<BatchSpanProcessor>(std::move(exporter),
                                                        options);
    }
    enabled_.store(processor_ != nullptr, std::memory_order_release);
  }
  if (old != nullptr) old->Flush();
}

void Tracer::Record(SpanData span) {
  std::shared_ptr<BatchSpanProcessor> processor;
  {
    absl::MutexLock lock(&mu_);
    processor = processor_;
  }
  if (processor != nullptr) processor->OnEnd(std::move(span));
}

void Tracer::Flush() {
  std::shared_ptr<BatchSpanProcessor> processor;
  {
    absl::MutexLock lock(&mu_);
    processor = processor_;
  }
  if (processor != nullptr) processor->Flush();
}

uint64_t Tracer::dropped() {
  absl::MutexLock lock(&mu_);
  return processor_ == nullptr ? 0 : processor_->dropped();
}

ScopedSpan::ScopedSpan(std::string name, SpanKind kind) {
  const ActiveContext* parent = current;
  if (parent == nullptr || !Tracer::Default().enabled()) return;
  recording_ = true;
  data_.service = parent->service;
  data_.trace_id = parent->trace_id;
  data_.parent_span_id = parent->span_id;
  data_.span_id = NewSpanId();
  data_.name = std::move(name);
  data_.kind = kind;
  data_.start = absl::Now();
  context_ = {data_.service, data_.trace_id, data_.span_id};
  previous_ = current;
  current = &context_;
}

ScopedSpan::ScopedSpan(std::string service, std::string trace_id,
                       std::string span_id, std::string parent_span_id,
                       std::string name, SpanKind kind, absl::Time start) {
  if (!Tracer::Default().enabled() || trace_id.empty()) return;
  recording_ = true;
  data_.service = std::move(service);
  data_.trace_id = std::move(trace_id);
  data_.span_id = std::move(span_id);
  data_.parent_span_id = std::move(parent_span_id);
  data_.name = std::move(name);
  data_.kind = kind;
  data_.start = start;
  context_ = {data_.service, data_.trace_id, data_.span_id};
  previous_ = current;
  current = &context_;
}

ScopedSpan::~ScopedSpan() {
  if (!recording_) return;
  current = previous_;
  data_.end = absl::Now();
  Tracer::Default().Record(std::move(data_));
}

void ScopedSpan::SetAttribute(std::string key, std::string value) {
  if (recording_) data_.attributes.emplace_back(std::move(key), std::move(value));
}

void ScopedSpan::SetError(std::string message) {
  if (!recording_) return;
  data_.error = true;
  data_.status_message = std::move(message);
}

}  // namespace hpedu::trace
