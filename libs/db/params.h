// Positional parameters for prepared statements, any of which may be NULL,
// and the few literal encodings parameters need. libpqxx 6 has no
// std::optional parameters; a null `const char*` is SQL NULL.
//
//   db::Params().Add(id).AddOrNull(parent).Exec(tx, "registry_insert_unit");
#ifndef HPEDU_LIBS_DB_PARAMS_H_
#define HPEDU_LIBS_DB_PARAMS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pqxx/result>
#include <pqxx/transaction_base>

namespace hpedu::db {

// Not thread-safe; build one per statement.
class Params {
 public:
  Params& Add(std::string value) {
    values_.emplace_back(std::move(value));
    return *this;
  }
  Params& AddNull() {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  // NULL for the empty string.
  Params& AddOrNull(std::string value) {
    return value.empty() ? AddNull() : Add(std::move(value));
  }

  // Runs prepared `statement` with these parameters. Throws what libpqxx
  // throws: call it inside RunInTransaction, which translates.
  pqxx::result Exec(pqxx::transaction_base& tx,
                    const std::string& statement) const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// A PostgreSQL array literal of text, {"a","b"}, for a text[] parameter.
std::string TextArrayLiteral(const std::vector<std::string>& items);

// `text` for a LIKE pattern (ESCAPE '\'): its own %, _ and \ match literally.
std::string EscapeLike(std::string_view text);

}  // namespace hpedu::db

#endif  // HPEDU_LIBS_DB_PARAMS_H_
