#include "services/registry/testing/demo_registry.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "hpedu/registry/v1/registry_service.grpc.pb.h"
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

const DemoRegistry& SharedDemoRegistry() {
  static const DemoRegistry* const registry = [] {
    using hpedu::testing::TestIdentity;
    auto* r = new DemoRegistry;
    hpedu::testing::PostgresServer& pg = hpedu::testing::SharedPostgresServer();
    absl::StatusOr<std::string> database = pg.CreateDatabase();
    if (!database.ok()) Fail("database", database.status());
    absl::StatusOr<std::string> db = pg.ProvisionService(*database, "registry");
    if (!db.ok()) Fail("provision", db.status());
    absl::StatusOr<std::unique_ptr<server::ServiceHost>> host =
        server::ServiceHost::Start(
            hpedu::testing::TestServerConfig("registry", *db), Definition());
    if (!host.ok()) Fail("start", host.status());
    r->host = *std::move(host);
    r->address = absl::StrCat("127.0.0.1:", r->host->port());
    absl::StatusOr<std::vector<v1::Unit>> units =
        demo::DemoUnits(demo::EmbeddedCommunesCsv());
    if (!units.ok()) Fail("demo units", units.status());
    r->units = *std::move(units);

    v1::ImportUnitsRequest request;
    request.set_csv_content(FormatUnitsCsv(r->units));
    v1::ImportUnitsResponse response;
    grpc::ClientContext context;
    grpc::Status status =
        v1::RegistryService::NewStub(
            TestIdentity::Channel(r->address,
                                  TestIdentity::Token(auth::Role::kLeadership)))
            ->ImportUnits(&context, request, &response);
    if (!status.ok()) Fail("import", absl::UnknownError(status.error_message()));
    return r;
  }();
  return *registry;
}

}  // namespace hpedu::registry::testing
