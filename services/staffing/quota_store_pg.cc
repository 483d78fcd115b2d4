#include "services/staffing/quota_store_pg.h"

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/audit/audit.h"
#include "libs/db/params.h"
#include "libs/db/transaction.h"
#include "libs/feed/feed.h"
#include "services/staffing/internal/pg_fields.h"

namespace hpedu::staffing {
namespace {

using internal::kRead;
using internal::kWrite;
using internal::Text;
using internal::UnitId;

// A quota row (org_unit as an id; filled and vacant are computed).
v1::Quota QuotaFromRow(const pqxx::row& row) {
  v1::Quota quota;
  quota.set_org_unit(Text(row["org_unit"]));
  quota.set_school_year(Text(row["school_year"]));
  quota.set_posts(row["posts"].as<int>());
  quota.set_decision(Text(row["decision"]));
  return quota;
}

class PostgresQuotaStore final : public QuotaStore {
 public:
  explicit PostgresQuotaStore(db::Pool& pool) : pool_(pool) {}

  static constexpr char kGetQuota[] = "staffing_get_quota";
  static constexpr char kGetQuotaSql[] =
      "SELECT posts, decision FROM quotas "
      "WHERE org_unit = $1 AND school_year = $2";
  static constexpr char kUpsertQuota[] = "staffing_upsert_quota";
  static constexpr char kUpsertQuotaSql[] =
      "INSERT INTO quotas (org_unit, school_year, posts, decision) "
      "VALUES ($1, $2, $3::int, $4) "
      "ON CONFLICT (school_year, org_unit) DO UPDATE SET posts = excluded.posts, "
      "  decision = excluded.decision, update_time = now()";
  absl::StatusOr<v1::Quota> SetQuota(const server::CallContext& call,
                                     const v1::Quota& quota) override {
    return db::InTransaction<v1::Quota>(
        pool_, call.deadline(), kWrite,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<v1::Quota> {
          const pqxx::result before = db::Params()
                                          .Add(UnitId(quota.org_unit()))
                                          .Add(quota.school_year())
                                          .Exec(tx, kGetQuota);
          db::Params()
              .Add(UnitId(quota.org_unit()))
              .Add(quota.school_year())
              .Add(std::to_string(quota.posts()))
              .Add(quota.decision())
              .Exec(tx, kUpsertQuota);
          const std::string name = absl::StrCat(
              "quotas/", UnitId(quota.org_unit()), "~", quota.school_year());
          audit::Record(tx, call, name, audit::ChangeOf(quota));
          // A quota has no name of its own in the API: the feed names it as
          // the audit trail does. Setting the same posts and decision again
          // changes nothing.
          if (before.empty()) {
            feed::Record(tx, call,
                         {feed::Created(name, quota, quota.org_unit())});
          } else if (before[0]["posts"].as<int>() != quota.posts() ||
                     Text(before[0]["decision"]) != quota.decision()) {
            feed::Record(tx, call,
                         {feed::Updated(name, quota, quota.org_unit())});
          }
          return quota;
        });
  }

  static constexpr char kListQuotas[] = "staffing_list_quotas";
  static constexpr char kListQuotasSql[] =
      "SELECT org_unit, school_year, posts, decision FROM quotas "
      "WHERE school_year = $1 ORDER BY org_unit";
  absl::StatusOr<std::vector<v1::Quota>> ListQuotas(
      const server::CallContext& call, const std::string& school_year) override {
    return db::InTransaction<std::vector<v1::Quota>>(
        pool_, call.deadline(), kRead,
        [&](pqxx::transaction_base& tx) -> absl::StatusOr<std::vector<v1::Quota>> {
          std::vector<v1::Quota> quotas;
          for (const pqxx::row& row :
               db::Params().Add(school_year).Exec(tx, kListQuotas)) {
            quotas.push_back(QuotaFromRow(row));
          }
          return quotas;
        });
  }

 private:
  db::Pool& pool_;
};

}  // namespace

const std::vector<db::PreparedStatement>& QuotaStatements() {
  using S = PostgresQuotaStore;
  static const auto* const kStatements = new std::vector<db::PreparedStatement>{
      {S::kGetQuota, S::kGetQuotaSql},
      {S::kUpsertQuota, S::kUpsertQuotaSql},
      {S::kListQuotas, S::kListQuotasSql},
  };
  return *kStatements;
}

std::unique_ptr<QuotaStore> NewPostgresQuotaStore(db::Pool& pool) {
  return std::make_unique<PostgresQuotaStore>(pool);
}

}  // namespace hpedu::staffing
