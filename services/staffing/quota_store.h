// The quotas aggregate's repository: the posts (biên chế) of a commune or
// school for a school year. PostgreSQL: quota_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe.
#ifndef HPEDU_SERVICES_STAFFING_QUOTA_STORE_H_
#define HPEDU_SERVICES_STAFFING_QUOTA_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "libs/server/call_context.h"

namespace hpedu::staffing {

class QuotaStore {
 public:
  virtual ~QuotaStore() = default;

  virtual absl::StatusOr<v1::Quota> SetQuota(const server::CallContext& call,
                                             const v1::Quota& quota) = 0;
  // Quotas of a year (org_unit as an id), by unit.
  virtual absl::StatusOr<std::vector<v1::Quota>> ListQuotas(
      const server::CallContext& call, const std::string& school_year) = 0;
};

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_QUOTA_STORE_H_
