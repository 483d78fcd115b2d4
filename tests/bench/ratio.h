// The line every benchmark prints for each ratio it measures against a
// baseline from the same run, read by tests/bench/run.sh, which tabulates
// them and fails when one is beyond twice its goal:
//
//   ratio <name> <value> <= <goal>     (lower is better)
//   ratio <name> <value> >= <goal>     (higher is better)
//
// Absolute times are printed by each benchmark as it likes; only ratios are
// ever asserted, so a slower or busier machine does not fail the guard.
#ifndef HPEDU_TESTS_BENCH_RATIO_H_
#define HPEDU_TESTS_BENCH_RATIO_H_

#include <cstdio>
#include <string>

namespace hpedu::bench {

// `name` has no spaces. `value` is measured / baseline, both from this run.
inline void ReportRatioAtMost(const std::string& name, double value,
                              double goal) {
  std::printf("ratio %s %.3f <= %.3f\n", name.c_str(), value, goal);
  std::fflush(stdout);
}
inline void ReportRatioAtLeast(const std::string& name, double value,
                               double goal) {
  std::printf("ratio %s %.3f >= %.3f\n", name.c_str(), value, goal);
  std::fflush(stdout);
}

}  // namespace hpedu::bench

#endif  // HPEDU_TESTS_BENCH_RATIO_H_
