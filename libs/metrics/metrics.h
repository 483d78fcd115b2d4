// Prometheus metrics for every service, on prometheus-cpp (Debian 12's
// prometheus-cpp-dev 1.0.1): prometheus::Registry holds the metrics and
// serialises them (text format 0.0.4), prometheus::Exposer serves them
// (http_exposer.h). This header is a thin hpedu layer over it that keeps
// call sites one line:
//
//   auto& requests = metrics::Registry::Default().AddCounter(
//       "hpedu_rpc_requests_total", "RPCs by method and code",
//       {"method", "code"});
//   requests.With({"/x.Y/Get", "OK"}).Increment();
//
// Why the layer and not prometheus::Family directly: in 1.0.1,
// Family<T>::Add(labels, args...) allocates a new T on every call, found or
// not (a Histogram copies its bucket bounds too), under one mutex per family.
// Family::With looks a child up by label values under a shared lock on one of
// 16 shards and calls Add only the first time (tests/bench/metrics_bench
// measures both). Label names are declared once; the children are plain
// prometheus::Counter / Gauge / Histogram, whose Increment / Set / Observe
// are atomics (Histogram::Observe takes its own short mutex).
//
// prometheus-cpp serialises a series' labels sorted by name
// (`{code="OK",method="..."}`), families in registration order; Registry
// sorts a family's series by labels. Prometheus itself does not depend on
// either order.
#ifndef HPEDU_LIBS_METRICS_METRICS_H_
#define HPEDU_LIBS_METRICS_METRICS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace hpedu::metrics {

// Escapes HELP text: backslash and line feed (prometheus-cpp 1.0.1 writes
// HELP verbatim, so a line feed in it would break the scrape).
std::string EscapeHelp(std::string_view help);

// One metric name with its label names; children by label values.
// Thread-safe.
template <typename Metric>
class Family {
 public:
  // The child for these label values (as many as label names; missing ones
  // are empty, extra ones ignored). The reference stays valid for the
  // registry's lifetime.
  Metric& With(const std::vector<std::string>& values);
  // The child with no labels.
  Metric& Get() { return With({}); }

  const std::string& name() const { return name_; }

 private:
  friend class Registry;
  static constexpr int kShards = 16;
  struct Shard {
    absl::Mutex mu;
    std::map<std::vector<std::string>, Metric*> children ABSL_GUARDED_BY(mu);
  };
  Family(std::string name, prometheus::Family<Metric>& family,
         std::vector<std::string> labels,
         prometheus::Histogram::BucketBoundaries bounds)
      : name_(std::move(name)), family_(family), labels_(std::move(labels)),
        bounds_(std::move(bounds)) {}
  Metric& Create(const std::vector<std::string>& key);

  std::string name_;
  prometheus::Family<Metric>& family_;  // owned by the prometheus::Registry
  std::vector<std::string> labels_;
  prometheus::Histogram::BucketBoundaries bounds_;  // histograms only
  Shard shards_[kShards];
};

using Counter = Family<prometheus::Counter>;
using Gauge = Family<prometheus::Gauge>;
using Histogram = Family<prometheus::Histogram>;

// Latency buckets in seconds, 0.5 ms to 10 s.
const std::vector<double>& DefaultLatencyBuckets();

class Registry {
 public:
  Registry();
  ~Registry();
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

  // Called at every scrape (and Render) before the metrics are collected,
  // e.g. to sample a pool's counters into gauges. Returns an id for
  // RemoveCollector, which waits for a running collector.
  int AddCollector(std::function<void()> collect);
  void RemoveCollector(int id);

  // What an exposer registers: runs the collectors, then collects the
  // registry. Lives as long as the Registry.
  std::shared_ptr<prometheus::Collectable> collectable() { return collectable_; }

  // The whole registry in the text format 0.0.4, as /metrics serves it.
  std::string Render();

 private:
  class Collector;
  template <typename Metric, typename Builder>
  Family<Metric>& Add(
      std::map<std::string, std::unique_ptr<Family<Metric>>>& families,
      Builder builder, std::string name, std::string help,
      std::vector<std::string> labels,
      prometheus::Histogram::BucketBoundaries bounds);
  void RunCollectors();

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> collectable_;
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

// The content type prometheus::Exposer serves /metrics with.
inline constexpr std::string_view kTextContentType =
    "text/plain; charset=utf-8";

}  // namespace hpedu::metrics

#endif  // HPEDU_LIBS_METRICS_METRICS_H_
