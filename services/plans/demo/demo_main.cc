// hpedu_plans_demo: writes the plans demo data to stdout for up.sh to load
// with the hpedu CLI.
//   hpedu_plans_demo documents   plan_documents.csv (ImportDocuments)
//   hpedu_plans_demo tasks       the 38 tasks of the plan for 51/NQ-CP
//   hpedu_plans_demo deadlines   the Sở's report deadlines as tasks
//   hpedu_plans_demo progress    one CreateStatusReport request (JSON) per
//                                line, generated with a fixed seed
#include <cstdio>
#include <iostream>
#include <string>

#include "google/protobuf/util/json_util.h"
#include "services/plans/demo/demo_plans.h"

namespace {

int Usage() {
  std::cerr << "usage: hpedu_plans_demo documents|tasks|deadlines|progress\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace demo = hpedu::plans::demo;
  if (argc != 2) return Usage();
  const std::string what = argv[1];
  if (what == "documents") {
    std::cout << demo::EmbeddedDocumentsCsv();
  } else if (what == "tasks") {
    std::cout << demo::EmbeddedTasksCsv();
  } else if (what == "deadlines") {
    absl::StatusOr<std::string> csv =
        demo::ReportDeadlinesAsTasksCsv(demo::EmbeddedReportDeadlinesCsv());
    if (!csv.ok()) {
      std::cerr << csv.status() << "\n";
      return 1;
    }
    std::cout << *csv;
  } else if (what == "progress") {
    auto reports = demo::GeneratedProgress(demo::EmbeddedTasksCsv());
    if (!reports.ok()) {
      std::cerr << reports.status() << "\n";
      return 1;
    }
    for (const auto& request : *reports) {
      std::string json;
      google::protobuf::util::JsonPrintOptions options;
      options.add_whitespace = false;
      if (!google::protobuf::util::MessageToJsonString(request, &json, options)
               .ok()) {
        return 1;
      }
      std::cout << json << "\n";
    }
  } else {
    return Usage();
  }
  return 0;
}
