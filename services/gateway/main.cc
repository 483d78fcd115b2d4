// The gateway process: city-wide views over gRPC (--listen) and HTTP/JSON
// with the dashboard (--http_listen). Needs --registry_addr, --plans_addr
// and --indicators_addr; a missing or failing one only empties its section.
#include "libs/server/service_host.h"
#include "services/gateway/gateway_definition.h"

int main(int argc, char** argv) {
  return hpedu::server::ServiceMain(argc, argv, hpedu::gateway::Definition());
}
