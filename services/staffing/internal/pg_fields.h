// Private to the staffing stores (*_store_pg.cc): reading fields of a
// libpqxx row by column name, the transaction options of reads and writes,
// and the arrays of a bulk statement.
#ifndef HPEDU_SERVICES_STAFFING_INTERNAL_PG_FIELDS_H_
#define HPEDU_SERVICES_STAFFING_INTERNAL_PG_FIELDS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pqxx/pqxx>

#include "absl/time/civil_time.h"
#include "libs/api/dates.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"

namespace hpedu::staffing::internal {

inline constexpr db::TransactionOptions kRead = {
    .isolation = db::Isolation::kReadCommitted, .read_only = true};
inline constexpr db::TransactionOptions kWrite = {
    .isolation = db::Isolation::kSerializable, .read_only = false};

// Imports of at least this many lines refresh the planner's statistics at
// once (reports join placements with qualifications).
inline constexpr size_t kAnalyzeAfterRows = 5000;

// A text column; "" for NULL.
inline std::string Text(const pqxx::field& field) {
  return field.is_null() ? std::string() : std::string(field.c_str());
}

// A date column read as ISO text; nullopt for NULL.
inline std::optional<absl::CivilDay> Day(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = api::ParseIsoDate(field.c_str());
  if (!day.ok()) return std::nullopt;
  return *day;
}

inline std::string Iso(absl::CivilDay day) { return api::FormatIsoDate(day); }

// An enum column holding the value's name; the zero value for NULL.
template <typename Enum>
Enum EnumOf(const pqxx::field& field, bool (*parse)(const std::string&, Enum*)) {
  Enum value = Enum();
  if (!field.is_null()) parse(field.c_str(), &value);
  return value;
}

// "units/x" -> "x"; an id stays as it is.
inline std::string UnitId(const std::string& name) {
  return name.starts_with("units/") ? name.substr(6) : name;
}

// The arrays of a bulk statement, one per column.
class Columns {
 public:
  explicit Columns(size_t n) : columns_(n) {}
  void Row(std::vector<std::string> values) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      columns_[i].push_back(std::move(values[i]));
    }
  }
  bool empty() const { return columns_.empty() || columns_[0].empty(); }
  void Exec(pqxx::transaction_base& tx, const char* statement) const {
    if (empty()) return;
    db::Params params;
    for (const auto& column : columns_) params.Add(db::TextArrayLiteral(column));
    params.Exec(tx, statement);
  }

 private:
  std::vector<std::vector<std::string>> columns_;
};

}  // namespace hpedu::staffing::internal

#endif  // HPEDU_SERVICES_STAFFING_INTERNAL_PG_FIELDS_H_
