// Where the daily marking keeps the deadlines that passed unmet (LateMark):
// each is recorded once, with its audit event and its change in the feed.
#ifndef HPEDU_SERVICES_PLANS_LATE_MARK_STORE_H_
#define HPEDU_SERVICES_PLANS_LATE_MARK_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "hpedu/plans/v1/plans.pb.h"
#include "libs/server/call_context.h"

namespace hpedu::plans {

// Thread-safe.
class LateMarkStore {
 public:
  virtual ~LateMarkStore() = default;

  // Records the marks of `marks` not recorded before (by name), each with
  // an audit event and a CREATED change, all in one transaction; returns
  // those it recorded, in the order given. Marks already recorded are left
  // as they were: running the marking again changes nothing.
  virtual absl::StatusOr<std::vector<v1::LateMark>> RecordLateMarks(
      const server::CallContext& call,
      const std::vector<v1::LateMark>& marks) = 0;
};

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_LATE_MARK_STORE_H_
