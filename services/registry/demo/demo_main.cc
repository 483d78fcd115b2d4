// hpedu_registry_demo: writes the registry's demo import CSV to stdout.
//
//   hpedu_registry_demo > units.csv && hpedu import units units.csv
//
// Deterministic: the same binary always writes the same file. --seed=N
// draws other schools.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "services/registry/demo/demo_units.h"
#include "services/registry/unit_import.h"

int main(int argc, char** argv) {
  uint32_t seed = hpedu::registry::demo::kDefaultSeed;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (absl::ConsumePrefix(&arg, "--seed=") && absl::SimpleAtoi(arg, &seed)) {
      continue;
    }
    std::cerr << "usage: " << argv[0] << " [--seed=N] > units.csv\n";
    return 2;
  }
  absl::StatusOr<std::vector<hpedu::registry::v1::Unit>> units =
      hpedu::registry::demo::DemoUnits(
          hpedu::registry::demo::EmbeddedCommunesCsv(), seed);
  if (!units.ok()) {
    std::cerr << units.status() << "\n";
    return 1;
  }
  std::cout << hpedu::registry::FormatUnitsCsv(*units);
  return std::cout.good() ? 0 : 1;
}
