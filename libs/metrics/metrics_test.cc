#include "libs/metrics/metrics.h"

#include <httplib.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/metrics/http_exposer.h"

namespace hpedu::metrics {
namespace {

using ::testing::HasSubstr;

TEST(MetricsTest, EscapesHelp) {
  EXPECT_EQ(EscapeHelp("x\\y\n\"z\""), "x\\\\y\\n\"z\"");
}

// prometheus-cpp writes labels sorted by name, series sorted by label values,
// families in registration order; label values escaped (backslash, double
// quote, line feed) and HELP escaped by us.
TEST(MetricsTest, RendersCounterGaugeAndHistogram) {
  Registry registry;
  Counter& requests = registry.AddCounter(
      "rpc_requests_total", "RPCs by method\nand code", {"method", "code"});
  requests.With({"/a.B/Get", "OK"}).Increment();
  requests.With({"/a.B/Get", "OK"}).Increment(2);
  requests.With({"/a.B/Get", "NOT_FOUND"}).Increment();
  requests.With({"q\"\\\n", "OK"}).Increment();
  registry.AddGauge("in_use", "leased").Get().Set(3);
  Histogram& latency =
      registry.AddHistogram("latency_seconds", "latency", {"m"}, {0.1, 1});
  latency.With({"x"}).Observe(0.05);
  latency.With({"x"}).Observe(0.5);
  latency.With({"x"}).Observe(5);

  EXPECT_EQ(registry.Render(),
            "# HELP rpc_requests_total RPCs by method\\nand code\n"
            "# TYPE rpc_requests_total counter\n"
            "rpc_requests_total{code=\"NOT_FOUND\",method=\"/a.B/Get\"} 1\n"
            "rpc_requests_total{code=\"OK\",method=\"/a.B/Get\"} 3\n"
            "rpc_requests_total{code=\"OK\",method=\"q\\\"\\\\\\n\"} 1\n"
            "# HELP in_use leased\n"
            "# TYPE in_use gauge\n"
            "in_use 3\n"
            "# HELP latency_seconds latency\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_count{m=\"x\"} 3\n"
            "latency_seconds_sum{m=\"x\"} 5.55\n"
            "latency_seconds_bucket{m=\"x\",le=\"0.1\"} 1\n"
            "latency_seconds_bucket{m=\"x\",le=\"1\"} 2\n"
            "latency_seconds_bucket{m=\"x\",le=\"+Inf\"} 3\n");
}

TEST(MetricsTest, SameNameReturnsSameFamilyAndCountersOnlyGrow) {
  Registry registry;
  Counter& a = registry.AddCounter("c_total", "c");
  Counter& b = registry.AddCounter("c_total", "c");
  EXPECT_EQ(&a, &b);
  a.Get().Increment(-5);
  EXPECT_EQ(b.Get().Value(), 0);
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  Registry registry;
  Counter& counter = registry.AddCounter("c_total", "c", {"k"});
  Histogram& histogram = registry.AddHistogram("h", "h", {"k"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        counter.With({std::to_string(i % 4)}).Increment();
        histogram.With({std::to_string(t % 2)}).Observe(0.001);
      }
    });
  }
  std::thread renderer([&] {
    for (int i = 0; i < 50; ++i) registry.Render();
  });
  for (auto& thread : threads) thread.join();
  renderer.join();
  double total = 0;
  for (int k = 0; k < 4; ++k) total += counter.With({std::to_string(k)}).Value();
  EXPECT_EQ(total, 80000);
  EXPECT_EQ(histogram.With({"0"}).Collect().histogram.sample_count +
                histogram.With({"1"}).Collect().histogram.sample_count,
            80000u);
}

TEST(MetricsTest, CollectorsRunAtRenderAndCanBeRemoved) {
  Registry registry;
  int calls = 0;
  int id = registry.AddCollector([&] {
    ++calls;
    registry.AddGauge("sampled", "s").Get().Set(calls);
  });
  EXPECT_THAT(registry.Render(), HasSubstr("sampled 1\n"));
  registry.RemoveCollector(id);
  EXPECT_THAT(registry.Render(), HasSubstr("sampled 1\n"));
  EXPECT_EQ(calls, 1);
}

TEST(MetricsTest, ServesMetricsOverHttp) {
  Registry registry;
  registry.AddCounter("served_total", "s").Get().Increment();
  auto exposer = HttpExposer::Start("127.0.0.1:0", &registry);
  ASSERT_TRUE(exposer.ok()) << exposer.status();
  httplib::Client client("127.0.0.1", (*exposer)->port());
  auto response = client.Get("/metrics");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->get_header_value("Content-Type"),
            std::string(kTextContentType));
  EXPECT_THAT(response->body, HasSubstr("served_total 1\n"));
  EXPECT_FALSE(HttpExposer::Start("127.0.0.1:nope", &registry).ok());
  // The port is taken: UNAVAILABLE, not an exception.
  EXPECT_EQ(HttpExposer::Start(absl::StrCat("127.0.0.1:", (*exposer)->port()),
                               &registry)
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hpedu::metrics
