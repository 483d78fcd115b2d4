#include "services/registry/testing/demo_registry.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
#include "libs/status/status_macros.h"
#include "libs/testing/identity.h"
#include "libs/testing/postgres_server.h"
#include "services/registry/demo/demo_units.h"
#include "services/registry/registry_definition.h"
#include "services/registry/unit_import.h"

namespace hpedu::registry::testing {
namespace {

[[noreturn]] void Fail(const char* what, const absl::Status& status) {
  std::fprintf(stderr, "demo registry: %s: %s\n", what,
               status.ToString().c_str());
  std::abort();
}

}  // namespace

absl::StatusOr<DemoRegistry> StartDemoRegistry(
    const std::function<void(server::ServerConfig&)>& configure,
    const std::function<
        std::shared_ptr<grpc::Channel>(const std::string& address)>& connect) {
  hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
  ASSIGN_OR_RETURN(const std::string database, pg.CreateDatabase());
  ASSIGN_OR_RETURN(const std::string db,
                   pg.ProvisionService(database, "registry"));
  server::ServerConfig config =
      hpedu::testing::TestServerConfig("registry", db);
  if (configure) configure(config);
  DemoRegistry r;
  ASSIGN_OR_RETURN(r.host, server::ServiceHost::Start(config, Definition()));
  r.address = absl::StrCat("127.0.0.1:", r.host->port());
  ASSIGN_OR_RETURN(r.units, demo::DemoUnits(demo::EmbeddedCommunesCsv()));

  v1::ImportUnitsRequest request;
  request.set_csv_content(FormatUnitsCsv(r.units));
  v1::ImportUnitsResponse response;
  grpc::ClientContext context;
  const grpc::Status status = v1::RegistryService::NewStub(connect(r.address))
                                  ->ImportUnits(&context, request, &response);
  if (!status.ok()) {
    return absl::UnknownError(absl::StrCat("import: ", status.error_message()));
  }
  return r;
}

const DemoRegistry& SharedDemoRegistry() {
  static const DemoRegistry* const registry = [] {
    using hpedu::testing::TestIdentity;
    absl::StatusOr<DemoRegistry> started =
        StartDemoRegistry({}, [](const std::string& address) {
          return TestIdentity::Channel(
              address, TestIdentity::Token(auth::Role::kLeadership));
        });
    if (!started.ok()) Fail("start", started.status());
    return new DemoRegistry(*std::move(started));
  }();
  return *registry;
}

}  // namespace hpedu::registry::testing
