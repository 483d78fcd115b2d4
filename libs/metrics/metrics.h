// A small Prometheus metrics registry (prometheus-cpp is not packaged in
// Debian 12): counters, gauges and histograms with labels, exposed in the
// Prometheus text format 0.0.4. Thread-safe. The hot path (Inc/Observe on a
// child already looked up) is lock-free atomics; looking a child up by label
// values takes a shared lock on one of 16 shards of the family.
//
//   auto& requests = metrics::Registry::Default().Counter(
//       "hpedu_rpc_requests_total", "RPCs by method and code",
//       {"method", "code"});
//   requests.With({"/x.Y/Get", "OK"}).Inc();
//   std::string text = metrics::Registry::Default().Render();
#ifndef HPEDU_LIBS_METRICS_METRICS_H_
#define HPEDU_LIBS_METRICS_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace hpedu::metrics {

// Escapes a label value for the text format: backslash, double quote and
// line feed.
std::string EscapeLabelValue(std::string_view value);
// Escapes HELP text: backslash and line feed.
std::string EscapeHelp(std::string_view help);

// A double that can be added to atomically.
class AtomicDouble {
 public:
  void Add(double delta);
  void Set(double value) { bits_.store(ToBits(value), std::memory_order_relaxed); }
  double Get() const;

 private:
  static uint64_t ToBits(double value);
  std::atomic<uint64_t> bits_{0};
};

class CounterChild {
 public:
  void Inc(double delta = 1) {
    if (delta > 0) value_.Add(delta);
  }
  double Value() const { return value_.Get(); }

 private:
  AtomicDouble value_;
};

class GaugeChild {
 public:
  void Set(double value) { value_.Set(value); }
  void Add(double delta) { value_.Add(delta); }
  double Value() const { return value_.Get(); }

 private:
  AtomicDouble value_;
};

class HistogramChild {
 public:
  explicit HistogramChild(const std::vector<double>* bounds);
  void Observe(double value);
  // Cumulative counts per bound, then +Inf.
  std::vector<uint64_t> CumulativeCounts() const;
  double Sum() const { return sum_.Get(); }
  uint64_t Count() const { return count_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double>* bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds + 1 (+Inf)
  AtomicDouble sum_;
  std::atomic<uint64_t> count_{0};
};

enum class Type { kCounter, kGauge, kHistogram };

// One metric name with its label names; children by label values.
template <typename Child>
class Family {
 public:
  // The child for these label values (as many as label names; missing ones
  // are empty, extra ones ignored). The reference stays valid for the
  // registry's lifetime.
  Child& With(const std::vector<std::string>& values);
  // The child with no labels.
  Child& Get() { return With({}); }

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  static constexpr int kShards = 16;
  struct Shard {
    mutable absl::Mutex mu;
    std::map<std::vector<std::string>, std::unique_ptr<Child>> children
        ABSL_GUARDED_BY(mu);
  };
  Family(std::string name, std::string help, Type type,
         std::vector<std::string> labels, std::vector<double> bounds)
      : name_(std::move(name)), help_(std::move(help)), type_(type),
        labels_(std::move(labels)), bounds_(std::move(bounds)) {}
  void Render(std::string& out) const;

  std::string name_;
  std::string help_;
  Type type_;
  std::vector<std::string> labels_;
  std::vector<double> bounds_;  // histograms only, ascending
  Shard shards_[kShards];
};

using Counter = Family<CounterChild>;
using Gauge = Family<GaugeChild>;
using Histogram = Family<HistogramChild>;

// Latency buckets in seconds, 0.5 ms to 10 s.
const std::vector<double>& DefaultLatencyBuckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The process-wide registry the server bootstrap exposes.
  static Registry& Default();

  // Registers a family, or returns the one already registered under `name`
  // (same type expected). Names and label names must match
  // [a-zA-Z_:][a-zA-Z0-9_:]* (checked; a bad one aborts: it is a bug).
  Counter& AddCounter(std::string name, std::string help,
                      std::vector<std::string> labels = {});
  Gauge& AddGauge(std::string name, std::string help,
                  std::vector<std::string> labels = {});
  Histogram& AddHistogram(std::string name, std::string help,
                          std::vector<std::string> labels = {},
                          std::vector<double> bounds = DefaultLatencyBuckets());

  // Called at every Render before output, e.g. to sample a pool's counters
  // into gauges. Returns an id for RemoveCollector.
  int AddCollector(std::function<void()> collect);
  void RemoveCollector(int id);

  // The whole registry in the text format 0.0.4, families sorted by name.
  std::string Render();

 private:
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Counter>> counters_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<Gauge>> gauges_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::unique_ptr<Histogram>> histograms_
      ABSL_GUARDED_BY(mu_);
  // Separate from mu_ so a collector may register families; held while
  // collectors run so RemoveCollector waits for a running one.
  absl::Mutex collectors_mu_;
  std::map<int, std::function<void()>> collectors_
      ABSL_GUARDED_BY(collectors_mu_);
  int next_collector_ ABSL_GUARDED_BY(collectors_mu_) = 0;
};

// The content type of Render's output.
inline constexpr std::string_view kTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

}  // namespace hpedu::metrics

#endif  // HPEDU_LIBS_METRICS_METRICS_H_
