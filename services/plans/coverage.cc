#include "services/plans/coverage.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"

namespace hpedu::plans {
namespace {

// The links are acyclic; the bound only guards a corrupted graph.
constexpr int kMaxDepth = 64;

struct Tree {
  std::map<std::string, const CoverageDocument*> by_id;
  std::map<std::string, std::vector<std::string>> implementers;
};

void Build(const Tree& tree, const std::string& id, v1::CoverageNode* node,
           int depth) {
  const CoverageDocument& document = *tree.by_id.at(id);
  node->set_document(absl::StrCat("documents/", document.id));
  node->set_number(document.number);
  if (!document.commune_id.empty()) {
    node->set_commune(absl::StrCat("units/", document.commune_id));
  }
  if (depth > kMaxDepth) return;
  auto it = tree.implementers.find(id);
  if (it == tree.implementers.end()) return;
  for (const std::string& child : it->second) {
    Build(tree, child, node->add_implemented_by(), depth + 1);
  }
}

}  // namespace

v1::CascadeCoverage BuildCascadeCoverage(
    const std::string& root_id, const std::vector<CoverageDocument>& documents,
    const std::vector<std::string>& commune_names) {
  Tree tree;
  std::set<std::string> covered;  // units/{id}
  for (const CoverageDocument& document : documents) {
    tree.by_id[document.id] = &document;
    for (const std::string& implemented : document.implemented_ids) {
      tree.implementers[implemented].push_back(document.id);
    }
    if (document.id != root_id && !document.commune_id.empty()) {
      covered.insert(absl::StrCat("units/", document.commune_id));
    }
  }
  v1::CascadeCoverage coverage;
  Build(tree, root_id, coverage.mutable_tree(), 0);
  for (const std::string& commune : commune_names) {
    if (covered.count(commune)) {
      coverage.add_covered(commune);
    } else {
      coverage.add_missing(commune);
    }
  }
  return coverage;
}

}  // namespace hpedu::plans
