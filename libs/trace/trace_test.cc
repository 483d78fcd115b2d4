#include "libs/trace/trace.h"

#include <httplib.h>

#include <thread>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/trace/otlp_http_exporter.h"

namespace hpedu::trace {
namespace {

class CollectingExporter : public SpanExporter {
 public:
  explicit CollectingExporter(absl::Notification* release = nullptr)
      : release_(release) {}
  void Export(std::vector<SpanData> batch) override {
    if (release_ != nullptr) release_->WaitForNotification();
    absl::MutexLock lock(&mu_);
    for (auto& span : batch) spans_.push_back(std::move(span));
  }
  std::vector<SpanData> spans() {
    absl::MutexLock lock(&mu_);
    return spans_;
  }

 private:
  absl::Notification* release_;
  absl::Mutex mu_;
  std::vector<SpanData> spans_;
};

TEST(TraceTest, NestedSpansShareTheTraceAndLinkTheirParents) {
  auto exporter = std::make_unique<CollectingExporter>();
  CollectingExporter* collected = exporter.get();
  Tracer::Default().SetExporter(std::move(exporter));
  const std::string trace_id = NewTraceId();
  {
    ScopedSpan server("svc", trace_id, "00f067aa0ba902b7", "a3ce929d0e0e4736",
                      "/x.Y/Get", SpanKind::kServer, absl::Now());
    ScopedSpan tx("db.transaction", SpanKind::kClient);
    ScopedSpan statement("x_get_thing", SpanKind::kClient);
    statement.SetError("boom");
  }
  { ScopedSpan orphan("no parent", SpanKind::kInternal); }  // not recorded
  Tracer::Default().Flush();
  std::vector<SpanData> spans = collected->spans();
  Tracer::Default().SetExporter(nullptr);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].name, "x_get_thing");
  EXPECT_TRUE(spans[0].error);
  EXPECT_EQ(spans[1].name, "db.transaction");
  EXPECT_EQ(spans[2].name, "/x.Y/Get");
  EXPECT_EQ(spans[0].parent_span_id, spans[1].span_id);
  EXPECT_EQ(spans[1].parent_span_id, "00f067aa0ba902b7");
  EXPECT_EQ(spans[2].parent_span_id, "a3ce929d0e0e4736");
  for (const auto& span : spans) {
    EXPECT_EQ(span.trace_id, trace_id);
    EXPECT_EQ(span.service, "svc");
  }
  EXPECT_EQ(Current(), nullptr);
}

TEST(TraceTest, AFullQueueDropsSpansInsteadOfBlocking) {
  absl::Notification release;
  auto exporter = std::make_unique<CollectingExporter>(&release);
  CollectingExporter* collected = exporter.get();
  BatchOptions options;
  options.max_queue = 10;
  options.max_batch = 5;
  options.interval = absl::Milliseconds(10);
  {
    BatchSpanProcessor processor(std::move(exporter), options);
    const absl::Time start = absl::Now();
    for (int i = 0; i < 1000; ++i) processor.OnEnd(SpanData{});
    // The exporter is stuck; recording still returned at once.
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    EXPECT_GE(processor.dropped(), 1000u - 15u);
    release.Notify();
    processor.Flush();
    // The processor owns the exporter: look before it goes.
    const size_t exported = collected->spans().size();
    EXPECT_LE(exported, 15u);
    EXPECT_GE(exported, 10u);
  }
}

TEST(TraceTest, ExportsOtlpProtobufOverHttp) {
  httplib::Server receiver;
  absl::Mutex mu;
  std::string content_type;
  opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest got;
  receiver.Post("/v1/traces",
                [&](const httplib::Request& request, httplib::Response&) {
                  absl::MutexLock lock(&mu);
                  content_type = request.get_header_value("Content-Type");
                  got.ParseFromString(request.body);
                });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread thread([&] { receiver.listen_after_bind(); });
  auto exporter = OtlpHttpExporter::Create(
      "http://127.0.0.1:" + std::to_string(port) + "/v1/traces");
  ASSERT_TRUE(exporter.ok()) << exporter.status();
  SpanData span;
  span.service = "plans";
  span.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  span.span_id = "00f067aa0ba902b7";
  span.name = "/hpedu.plans.v1.PlansService/GetTask";
  span.kind = SpanKind::kServer;
  span.start = absl::FromUnixSeconds(1);
  span.end = absl::FromUnixSeconds(2);
  span.attributes = {{"rpc.system", "grpc"}};
  (*exporter)->Export({span});
  receiver.stop();
  thread.join();
  absl::MutexLock lock(&mu);
  EXPECT_EQ(content_type, "application/x-protobuf");
  ASSERT_EQ(got.resource_spans_size(), 1);
  const auto& resource = got.resource_spans(0);
  EXPECT_EQ(resource.resource().attributes(0).key(), "service.name");
  EXPECT_EQ(resource.resource().attributes(0).value().string_value(), "plans");
  const auto& out = resource.scope_spans(0).spans(0);
  EXPECT_EQ(out.trace_id().size(), 16u);
  EXPECT_EQ(static_cast<uint8_t>(out.trace_id()[0]), 0x4b);
  EXPECT_EQ(out.span_id().size(), 8u);
  EXPECT_TRUE(out.parent_span_id().empty());
  EXPECT_EQ(out.kind(), opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
  EXPECT_EQ(out.start_time_unix_nano(), 1'000'000'000u);
  EXPECT_EQ(out.name(), "/hpedu.plans.v1.PlansService/GetTask");
  EXPECT_FALSE(OtlpHttpExporter::Create("https://x:1/v1/traces").ok());
  EXPECT_FALSE(OtlpHttpExporter::Create("http://x/v1/traces").ok());
}

}  // namespace
}  // namespace hpedu::trace
