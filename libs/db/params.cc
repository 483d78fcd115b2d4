#include "libs/db/params.h"

#include <pqxx/prepared_statement>

#include "absl/time/clock.h"
#include "libs/metrics/metrics.h"
#include "libs/trace/trace.h"

namespace hpedu::db {
namespace {

metrics::Histogram& StatementSeconds() {
  static metrics::Histogram& family =
      metrics::Registry::Default().AddHistogram(
          "hpedu_db_statement_seconds",
          "Prepared statement latency by statement name (never parameters)",
          {"statement"});
  return family;
}

// Observes the statement's latency however it ends, exceptions included.
class StatementTimer {
 public:
  explicit StatementTimer(const std::string& statement)
      : child_(StatementSeconds().With({statement})), start_(absl::Now()) {}
  ~StatementTimer() {
    child_.Observe(absl::ToDoubleSeconds(absl::Now() - start_));
  }

 private:
  prometheus::Histogram& child_;
  absl::Time start_;
};

}  // namespace

pqxx::result Params::Exec(pqxx::transaction_base& tx,
                          const std::string& statement) const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const std::optional<std::string>& value : values_) {
    pointers.push_back(value ? value->c_str() : nullptr);
  }
  StatementTimer timer(statement);
  // The statement's name only, never its parameters.
  trace::ScopedSpan span(statement, trace::SpanKind::kClient);
  span.SetAttribute("db.system", "postgresql");
  return tx.exec_prepared(statement,
                          pqxx::prepare::make_dynamic_params(pointers));
}

std::string TextArrayLiteral(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) literal += ',';
    literal += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return literal;
}

std::string EscapeLike(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

}  // namespace hpedu::db
