// The gateway process: city-wide views over gRPC (--listen) and HTTP/JSON
// with the dashboard (--http_listen). Needs --registry_addr, --plans_addr
// and --indicators_addr; a missing or failing one only empties its section.
#include "services/gateway/gateway_definition.h"

int main(int argc, char** argv) {
  return hpedu::gateway::GatewayMain(argc, argv);
}
