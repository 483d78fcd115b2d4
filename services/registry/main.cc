// The registry service process: Hai Phong's dated units over gRPC.
#include "libs/server/service_host.h"
#include "services/registry/registry_definition.h"

int main(int argc, char** argv) {
  return hpedu::server::ServiceMain(argc, argv,
                                    hpedu::registry::Definition());
}
