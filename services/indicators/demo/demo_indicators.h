// Demo data for the indicators service. Real (copied from ../shared/data and
// embedded at build time): the Sở's 25 indicators for 2025-2026 with their
// targets (indicators_2025_2026.csv) and the targets of Resolution 71's
// implementing plans (targets_resolution71.csv), each of which becomes an
// indicator "r71-NN" when none of the 25 fits. Generated with a fixed seed
// and marked generated: reported values for every commune and school over
// four school years. See README.md.
#ifndef HPEDU_SERVICES_INDICATORS_DEMO_DEMO_INDICATORS_H_
#define HPEDU_SERVICES_INDICATORS_DEMO_DEMO_INDICATORS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/client_context.h"
#include "hpedu/indicators/v1/approvals.grpc.pb.h"
#include "hpedu/indicators/v1/indicators_service.pb.h"
#include "hpedu/registry/v1/unit.pb.h"
#include "services/indicators/value_import.h"

namespace hpedu::indicators::demo {

inline constexpr uint32_t kDefaultSeed = 20250905;

std::string_view EmbeddedIndicatorsCsv();
std::string_view EmbeddedTargetsCsv();

// The school years the generated values cover, oldest first.
const std::vector<std::string>& DemoPeriods();

struct DemoCatalogue {
  // CreateIndicator requests (indicator_id and indicator set).
  std::vector<v1::CreateIndicatorRequest> indicators;
  // CreateTarget requests (parent, target_id and target set).
  std::vector<v1::CreateTargetRequest> targets;
};

// The indicators and targets from the two files (format of
// ../shared/data). INVALID_ARGUMENT if a file is malformed.
absl::StatusOr<DemoCatalogue> DemoIndicators(std::string_view indicators_csv,
                                             std::string_view targets_csv);

// Generated values of the 25 indicators (not 10-13, which the staffing
// service will compute) for the communes and schools among `units`, over
// DemoPeriods(); every line marked generated. Deterministic for a seed.
std::vector<ValueLine> DemoValues(
    const std::vector<hpedu::registry::v1::Unit>& units,
    uint32_t seed = kDefaultSeed);

// The demo's approval workflow "bao-cao-nam-hoc": every reported
// school-year indicator of `catalogue` gated from 2025-2026 on, schools
// reviewed by their commune, communes by the quality division (leadership
// may act at both levels).
v1::CreateApprovalWorkflowRequest DemoWorkflow(
    const std::vector<v1::CreateIndicatorRequest>& catalogue);

// One call of the demo's reporting loop, on a submission of DemoWorkflow()
// for 2025-2026.
struct LoopStep {
  enum Kind { kSubmit, kApprove, kReturn };
  Kind kind = kSubmit;
  std::string submission;  // approvalWorkflows/.../submissions/{unit}~{period}
  std::string reason;      // kReturn
};

// The 2025-2026 loop in every state, in call order: the current communes
// among `units`, in their order, take turns through five states: approved
// (two in five: their schools submitted and approved, then the commune),
// submitted and waiting for the division, returned with a reason, and not
// submitted (one school waiting for its commune).
std::vector<LoopStep> DemoLoopSteps(
    const std::vector<hpedu::registry::v1::Unit>& units);

// Makes `step`'s call (SubmitValues, ApproveSubmission or ReturnSubmission).
grpc::Status PlayStep(v1::ApprovalService::StubInterface& approvals,
                      grpc::ClientContext* context, const LoopStep& step);

}  // namespace hpedu::indicators::demo

#endif  // HPEDU_SERVICES_INDICATORS_DEMO_DEMO_INDICATORS_H_
