#include "libs/metrics/metrics.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <tuple>
#include <utility>

#include "absl/hash/hash.h"
#include "prometheus/check_names.h"
#include "prometheus/text_serializer.h"

namespace hpedu::metrics {
namespace {

void CheckNames(std::string_view name, const std::vector<std::string>& labels) {
  bool ok = prometheus::CheckMetricName(std::string(name));
  for (const std::string& label : labels) {
    ok = ok && prometheus::CheckLabelName(label) && label != "le";
  }
  if (!ok) {
    std::fprintf(stderr, "metrics: bad metric or label name: %.*s\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
}

template <typename Metric>
Metric& AddMetric(prometheus::Family<Metric>& family,
                  const prometheus::Labels& labels,
                  const prometheus::Histogram::BucketBoundaries&) {
  return family.Add(labels);
}
template <>
prometheus::Histogram& AddMetric<prometheus::Histogram>(
    prometheus::Family<prometheus::Histogram>& family,
    const prometheus::Labels& labels,
    const prometheus::Histogram::BucketBoundaries& bounds) {
  return family.Add(labels, bounds);
}

}  // namespace

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

template <typename Metric>
Metric& Family<Metric>::With(const std::vector<std::string>& values) {
  std::vector<std::string> key(labels_.size());
  for (size_t i = 0; i < key.size() && i < values.size(); ++i) key[i] = values[i];
  Shard& shard = shards_[absl::HashOf(key) % kShards];
  {
    absl::ReaderMutexLock lock(&shard.mu);
    auto it = shard.children.find(key);
    if (it != shard.children.end()) return *it->second;
  }
  absl::MutexLock lock(&shard.mu);
  Metric*& child = shard.children[key];
  if (child == nullptr) child = &Create(key);
  return *child;
}

template <typename Metric>
Metric& Family<Metric>::Create(const std::vector<std::string>& key) {
  prometheus::Labels labels;
  for (size_t i = 0; i < labels_.size(); ++i) labels.emplace(labels_[i], key[i]);
  return AddMetric(family_, labels, bounds_);
}

template class Family<prometheus::Counter>;
template class Family<prometheus::Gauge>;
template class Family<prometheus::Histogram>;

const std::vector<double>& DefaultLatencyBuckets() {
  static const auto* const kBuckets = new std::vector<double>{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *kBuckets;
}

class Registry::Collector : public prometheus::Collectable {
 public:
  explicit Collector(Registry* registry) : registry_(registry) {}
  // prometheus-cpp 1.0.1 keeps a family's series in an unordered_map:
  // sorted here by labels so that successive scrapes read alike.
  std::vector<prometheus::MetricFamily> Collect() const override {
    registry_->RunCollectors();
    std::vector<prometheus::MetricFamily> families =
        registry_->registry_->Collect();
    for (prometheus::MetricFamily& family : families) {
      std::sort(family.metric.begin(), family.metric.end(),
                [](const prometheus::ClientMetric& a,
                   const prometheus::ClientMetric& b) {
                  return std::lexicographical_compare(
                      a.label.begin(), a.label.end(), b.label.begin(),
                      b.label.end(),
                      [](const prometheus::ClientMetric::Label& x,
                         const prometheus::ClientMetric::Label& y) {
                        return std::tie(x.name, x.value) <
                               std::tie(y.name, y.value);
                      });
                });
    }
    return families;
  }

 private:
  Registry* registry_;
};

Registry::Registry()
    : registry_(std::make_shared<prometheus::Registry>()),
      collectable_(std::make_shared<Collector>(this)) {}

// Exposers hold the collectable weakly: once it is gone they skip it.
Registry::~Registry() = default;

Registry& Registry::Default() {
  static auto* const kRegistry = new Registry();
  return *kRegistry;
}

template <typename Metric, typename Builder>
Family<Metric>& Registry::Add(
    std::map<std::string, std::unique_ptr<Family<Metric>>>& families,
    Builder builder, std::string name, std::string help,
    std::vector<std::string> labels,
    prometheus::Histogram::BucketBoundaries bounds) {
  CheckNames(name, labels);
  auto& family = families[name];
  if (family == nullptr) {
    prometheus::Family<Metric>& registered =
        builder.Name(name).Help(EscapeHelp(help)).Register(*registry_);
    family.reset(new Family<Metric>(std::move(name), registered,
                                    std::move(labels), std::move(bounds)));
  }
  return *family;
}

Counter& Registry::AddCounter(std::string name, std::string help,
                              std::vector<std::string> labels) {
  absl::MutexLock lock(&mu_);
  return Add(counters_, prometheus::BuildCounter(), std::move(name),
             std::move(help), std::move(labels), {});
}

Gauge& Registry::AddGauge(std::string name, std::string help,
                          std::vector<std::string> labels) {
  absl::MutexLock lock(&mu_);
  return Add(gauges_, prometheus::BuildGauge(), std::move(name),
             std::move(help), std::move(labels), {});
}

Histogram& Registry::AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> labels,
                                  std::vector<double> bounds) {
  // prometheus::Histogram wants them strictly ascending.
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  absl::MutexLock lock(&mu_);
  return Add(histograms_, prometheus::BuildHistogram(), std::move(name),
             std::move(help), std::move(labels), std::move(bounds));
}

int Registry::AddCollector(std::function<void()> collect) {
  absl::MutexLock lock(&collectors_mu_);
  const int id = next_collector_++;
  collectors_.emplace(id, std::move(collect));
  return id;
}

void Registry::RemoveCollector(int id) {
  absl::MutexLock lock(&collectors_mu_);
  collectors_.erase(id);
}

void Registry::RunCollectors() {
  absl::MutexLock lock(&collectors_mu_);
  for (auto& [id, collect] : collectors_) collect();
}

std::string Registry::Render() {
  return prometheus::TextSerializer().Serialize(collectable_->Collect());
}

}  // namespace hpedu::metrics
