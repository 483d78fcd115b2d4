// The cascade coverage of a document (GetCascadeCoverage): the tree of the
// documents implementing it, and which communes issued one. Pure; the
// documents come from DocumentStore::CoverageTree, the communes from the
// registry.
#ifndef HPEDU_SERVICES_PLANS_COVERAGE_H_
#define HPEDU_SERVICES_PLANS_COVERAGE_H_

#include <string>
#include <vector>

#include "hpedu/plans/v1/plans_service.pb.h"
#include "services/plans/document_store.h"

namespace hpedu::plans {

// The tree under `root_id`, built from the implements links inside
// `documents` (a document implementing two documents of the tree appears
// under both; the depth is bounded against a corrupted graph), and each of
// `commune_names` (units/{id}) as covered if a document of the tree other
// than the root is that commune's, else missing. `documents` must contain
// `root_id`.
v1::CascadeCoverage BuildCascadeCoverage(
    const std::string& root_id, const std::vector<CoverageDocument>& documents,
    const std::vector<std::string>& commune_names);

}  // namespace hpedu::plans

#endif  // HPEDU_SERVICES_PLANS_COVERAGE_H_
