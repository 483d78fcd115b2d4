// The norms and training standards aggregate's repository: dated rows from
// circulars, each new one ending the open one of its key. PostgreSQL:
// norm_store_pg.h.
//
// Every method takes the call's context for its deadline, returns
// absl::Status values (never throws) and is thread-safe.
#ifndef HPEDU_SERVICES_STAFFING_NORM_STORE_H_
#define HPEDU_SERVICES_STAFFING_NORM_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/staffing/v1/staffing_service.pb.h"
#include "libs/server/call_context.h"
#include "services/staffing/staffing_rules.h"

namespace hpedu::staffing {

class NormStore {
 public:
  virtual ~NormStore() = default;

  // Creates a norm; the open norm of the same key ends on valid_from.
  // FAILED_PRECONDITION if that norm starts on or after it.
  virtual absl::StatusOr<NormRule> CreateNorm(const server::CallContext& call,
                                              const NormRule& norm,
                                              const std::string& request_id) = 0;
  virtual absl::StatusOr<std::vector<NormRule>> ListNorms(
      const server::CallContext& call) = 0;
  virtual absl::StatusOr<StandardRule> CreateStandard(
      const server::CallContext& call, const StandardRule& standard,
      const std::string& request_id) = 0;
  virtual absl::StatusOr<std::vector<StandardRule>> ListStandards(
      const server::CallContext& call) = 0;
};

}  // namespace hpedu::staffing

#endif  // HPEDU_SERVICES_STAFFING_NORM_STORE_H_
