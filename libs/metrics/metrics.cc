#include "libs/metrics/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace hpedu::metrics {
namespace {

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '_' || (allow_colon && c == ':') ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void CheckNames(std::string_view name, const std::vector<std::string>& labels) {
  bool ok = ValidName(name, true);
  for (const std::string& label : labels) {
    ok = ok && ValidName(label, false) && label.rfind("__", 0) != 0 &&
         label != "le";
  }
  if (!ok) {
    std::fprintf(stderr, "metrics: bad metric or label name: %.*s\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
}

// Go's strconv-like formatting Prometheus accepts: shortest round-trip.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrCat(static_cast<int64_t>(value));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  // Prefer the shortest representation that reads back the same.
  for (int precision = 6; precision < 17; ++precision) {
    char shorter[32];
    std::snprintf(shorter, sizeof shorter, "%.*g", precision, value);
    if (std::strtod(shorter, nullptr) == value) return shorter;
  }
  return buffer;
}

void AppendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values,
                  std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!first) out += ',';
    first = false;
    absl::StrAppend(&out, names[i], "=\"", EscapeLabelValue(values[i]), "\"");
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out.append(extra_name).append("=\"").append(extra_value).append("\"");
  }
  out += '}';
}

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

template <typename Child>
std::unique_ptr<Child> MakeChild(const std::vector<double>*) {
  return std::make_unique<Child>();
}
template <>
std::unique_ptr<HistogramChild> MakeChild<HistogramChild>(
    const std::vector<double>* bounds) {
  return std::make_unique<HistogramChild>(bounds);
}

void RenderChild(std::string& out, const std::string& name,
                 const std::vector<std::string>& labels,
                 const std::vector<std::string>& values,
                 const std::vector<double>&, const CounterChild& child) {
  out += name;
  AppendLabels(out, labels, values);
  absl::StrAppend(&out, " ", FormatValue(child.Value()), "\n");
}

void RenderChild(std::string& out, const std::string& name,
                 const std::vector<std::string>& labels,
                 const std::vector<std::string>& values,
                 const std::vector<double>&, const GaugeChild& child) {
  out += name;
  AppendLabels(out, labels, values);
  absl::StrAppend(&out, " ", FormatValue(child.Value()), "\n");
}

void RenderChild(std::string& out, const std::string& name,
                 const std::vector<std::string>& labels,
                 const std::vector<std::string>& values,
                 const std::vector<double>& bounds,
                 const HistogramChild& child) {
  // Read count first: buckets and sum may be a little ahead, never behind
  // in a way that breaks monotonicity of the cumulative buckets.
  std::vector<uint64_t> cumulative = child.CumulativeCounts();
  for (size_t i = 0; i <= bounds.size(); ++i) {
    absl::StrAppend(&out, name, "_bucket");
    AppendLabels(out, labels, values, "le",
                 i < bounds.size() ? FormatValue(bounds[i]) : "+Inf");
    absl::StrAppend(&out, " ", cumulative[i], "\n");
  }
  absl::StrAppend(&out, name, "_sum");
  AppendLabels(out, labels, values);
  absl::StrAppend(&out, " ", FormatValue(child.Sum()), "\n");
  absl::StrAppend(&out, name, "_count");
  AppendLabels(out, labels, values);
  absl::StrAppend(&out, " ", cumulative.back(), "\n");
}

}  // namespace

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

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

uint64_t AtomicDouble::ToBits(double value) {
  uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

double AtomicDouble::Get() const {
  const uint64_t bits = bits_.load(std::memory_order_relaxed);
  double value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

void AtomicDouble::Add(double delta) {
  uint64_t expected = bits_.load(std::memory_order_relaxed);
  for (;;) {
    double current;
    std::memcpy(&current, &expected, sizeof current);
    if (bits_.compare_exchange_weak(expected, ToBits(current + delta),
                                    std::memory_order_relaxed)) {
      return;
    }
  }
}

HistogramChild::HistogramChild(const std::vector<double>* bounds)
    : bounds_(bounds),
      buckets_(new std::atomic<uint64_t>[bounds->size() + 1]) {
  for (size_t i = 0; i <= bounds_->size(); ++i) buckets_[i].store(0);
}

void HistogramChild::Observe(double value) {
  size_t i = 0;
  while (i < bounds_->size() && value > (*bounds_)[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.Add(value);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> HistogramChild::CumulativeCounts() const {
  std::vector<uint64_t> out(bounds_->size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_->size(); ++i) {
    total += buckets_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

template <typename Child>
Child& Family<Child>::With(const std::vector<std::string>& values) {
  std::vector<std::string> key(labels_.size());
  for (size_t i = 0; i < key.size() && i < values.size(); ++i) key[i] = values[i];
  Shard& shard = shards_[absl::HashOf(key) % kShards];
  {
    absl::ReaderMutexLock lock(&shard.mu);
    auto it = shard.children.find(key);
    if (it != shard.children.end()) return *it->second;
  }
  absl::MutexLock lock(&shard.mu);
  auto& child = shard.children[std::move(key)];
  if (child == nullptr) child = MakeChild<Child>(&bounds_);
  return *child;
}

template <typename Child>
void Family<Child>::Render(std::string& out) const {
  absl::StrAppend(&out, "# HELP ", name_, " ", EscapeHelp(help_), "\n");
  absl::StrAppend(&out, "# TYPE ", name_, " ");
  out.append(TypeName(type_)).append("\n");
  // Sorted by label values across shards, for stable output.
  std::map<std::vector<std::string>, const Child*> sorted;
  for (const Shard& shard : shards_) {
    absl::ReaderMutexLock lock(&shard.mu);
    for (const auto& [values, child] : shard.children) {
      sorted.emplace(values, child.get());
    }
  }
  for (const auto& [values, child] : sorted) {
    RenderChild(out, name_, labels_, values, bounds_, *child);
  }
}

template class Family<CounterChild>;
template class Family<GaugeChild>;
template class Family<HistogramChild>;

const std::vector<double>& DefaultLatencyBuckets() {
  static const auto* const kBuckets = new std::vector<double>{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *kBuckets;
}

Registry& Registry::Default() {
  static auto* const kRegistry = new Registry();
  return *kRegistry;
}

Counter& Registry::AddCounter(std::string name, std::string help,
                              std::vector<std::string> labels) {
  CheckNames(name, labels);
  absl::MutexLock lock(&mu_);
  auto& family = counters_[name];
  if (family == nullptr) {
    family.reset(new Counter(std::move(name), std::move(help), Type::kCounter,
                             std::move(labels), {}));
  }
  return *family;
}

Gauge& Registry::AddGauge(std::string name, std::string help,
                          std::vector<std::string> labels) {
  CheckNames(name, labels);
  absl::MutexLock lock(&mu_);
  auto& family = gauges_[name];
  if (family == nullptr) {
    family.reset(new Gauge(std::move(name), std::move(help), Type::kGauge,
                           std::move(labels), {}));
  }
  return *family;
}

Histogram& Registry::AddHistogram(std::string name, std::string help,
                                  std::vector<std::string> labels,
                                  std::vector<double> bounds) {
  CheckNames(name, labels);
  std::sort(bounds.begin(), bounds.end());
  absl::MutexLock lock(&mu_);
  auto& family = histograms_[name];
  if (family == nullptr) {
    family.reset(new Histogram(std::move(name), std::move(help),
                               Type::kHistogram, std::move(labels),
                               std::move(bounds)));
  }
  return *family;
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

std::string Registry::Render() {
  {
    absl::MutexLock lock(&collectors_mu_);
    for (auto& [id, collect] : collectors_) collect();
  }
  absl::MutexLock lock(&mu_);
  // Families sorted by name across the three kinds.
  std::map<std::string_view, std::function<void(std::string&)>> families;
  for (auto& [name, f] : counters_) {
    families[name] = [&f = *f](std::string& out) { f.Render(out); };
  }
  for (auto& [name, f] : gauges_) {
    families[name] = [&f = *f](std::string& out) { f.Render(out); };
  }
  for (auto& [name, f] : histograms_) {
    families[name] = [&f = *f](std::string& out) { f.Render(out); };
  }
  std::string out;
  for (auto& [name, render] : families) render(out);
  return out;
}

}  // namespace hpedu::metrics
