// The staffing service process: staff records and movements, schools'
// classes, norms, quotas, shortage and surplus, and the training-standard
// and headcount figures over gRPC. Needs --registry_addr
// (HPEDU_REGISTRY_ADDR).
#include "libs/server/service_host.h"
#include "services/staffing/staffing_definition.h"

int main(int argc, char** argv) {
  return hpedu::server::ServiceMain(argc, argv, hpedu::staffing::Definition());
}
