// The budget service process: budget versions, compliance with Resolution
// 71's 20% and 5% rules, estimates against execution, investment projects,
// budget shares and the allowance what-if over gRPC. Needs --registry_addr
// (HPEDU_REGISTRY_ADDR) and, for the what-if's headcounts, --staffing_addr
// (HPEDU_STAFFING_ADDR).
#include "libs/server/service_host.h"
#include "services/budget/budget_definition.h"

int main(int argc, char** argv) {
  return hpedu::server::ServiceMain(argc, argv, hpedu::budget::Definition());
}
