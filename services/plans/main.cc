// The plans service process: documents, tasks "6 rõ", status reports and
// the chasing list over gRPC. Needs the registry (--registry_addr).
#include "libs/server/service_host.h"
#include "services/plans/plans_definition.h"

int main(int argc, char** argv) {
  return hpedu::server::ServiceMain(argc, argv, hpedu::plans::Definition());
}
