// The indicators service process: the Sở's indicators, targets, reported
// values and roll-ups over gRPC. Needs --registry_addr (HPEDU_REGISTRY_ADDR).
#include "libs/server/service_host.h"
#include "services/indicators/indicators_definition.h"

int main(int argc, char** argv) {
  return hpedu::server::ServiceMain(argc, argv,
                                    hpedu::indicators::Definition());
}
