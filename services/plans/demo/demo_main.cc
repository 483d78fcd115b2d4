// hpedu_plans_demo: writes the plans demo data to stdout for up.sh to load
// with the hpedu CLI.
//   hpedu_plans_demo documents   plan_documents.csv (ImportDocuments)
//   hpedu_plans_demo tasks       the 38 tasks of the plan for 51/NQ-CP
//   hpedu_plans_demo deadlines   the Sở's report deadlines as tasks
//   hpedu_plans_demo progress    one CreateStatusReport request (JSON) per
//                                line, generated with a fixed seed
//   hpedu_plans_demo cycle       the CreateReportCycle request (JSON) of the
//                                Sở's deadlines
//   hpedu_plans_demo reports < units.csv
//                                one SubmitReport request (JSON) per line:
//                                the communes' reports due before today
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "services/plans/demo/demo_plans.h"

namespace {

int Usage() {
  std::cerr << "usage: hpedu_plans_demo "
               "documents|tasks|deadlines|progress|cycle|reports\n";
  return 2;
}

// One message per line in proto3 JSON; 1 if they could not be made.
template <typename Message>
int PrintLines(const absl::StatusOr<std::vector<Message>>& messages) {
  if (!messages.ok()) {
    std::cerr << messages.status() << "\n";
    return 1;
  }
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  for (const Message& message : *messages) {
    std::string json;
    if (!google::protobuf::util::MessageToJsonString(message, &json, options)
             .ok()) {
      return 1;
    }
    std::cout << json << "\n";
  }
  return 0;
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
    return PrintLines(demo::GeneratedProgress(demo::EmbeddedTasksCsv()));
  } else if (what == "cycle") {
    absl::StatusOr<hpedu::plans::v1::CreateReportCycleRequest> cycle =
        demo::DemoReportCycle(demo::EmbeddedReportDeadlinesCsv());
    if (!cycle.ok()) {
      std::cerr << cycle.status() << "\n";
      return 1;
    }
    return PrintLines(absl::StatusOr<std::vector<
                          hpedu::plans::v1::CreateReportCycleRequest>>(
        std::vector{*std::move(cycle)}));
  } else if (what == "reports") {
    const std::string units((std::istreambuf_iterator<char>(std::cin)),
                            std::istreambuf_iterator<char>());
    return PrintLines(demo::DemoReportSubmissions(
        demo::EmbeddedReportDeadlinesCsv(), units,
        absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(7 * 60 * 60))));
  } else {
    return Usage();
  }
  return 0;
}
