#include "libs/testing/authz_matrix.h"

#include <set>

#include "gtest/gtest.h"
#include "libs/testing/postgres_server.h"

namespace hpedu::testing {

void RunAuthorizationMatrix(
    std::string_view service_full_name, const std::vector<RpcCase>& cases,
    const MatrixProbes& probes) {
  const google::protobuf::ServiceDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          std::string(service_full_name));
  ASSERT_NE(descriptor, nullptr) << service_full_name;
  const google::protobuf::ServiceDescriptor& service = *descriptor;
  std::set<std::string> covered;
  for (const RpcCase& c : cases) covered.insert(c.method);
  for (int i = 0; i < service.method_count(); ++i) {
    EXPECT_TRUE(covered.count(service.method(i)->name()) != 0)
        << service.full_name() << "." << service.method(i)->name()
        << " has no row in the authorization matrix";
  }

  for (const RpcCase& c : cases) {
    SCOPED_TRACE(c.method);
    absl::StatusOr<std::string> before = probes.fingerprint();
    ASSERT_TRUE(before.ok()) << before.status();
    absl::StatusOr<int64_t> events_before = probes.audit_events();
    ASSERT_TRUE(events_before.ok()) << events_before.status();
    auto refused = [&](const std::string& token, grpc::StatusCode want,
                       const char* who) {
      grpc::Status status = c.call(token);
      EXPECT_EQ(status.error_code(), want)
          << who << ": " << status.error_message();
      absl::StatusOr<std::string> after = probes.fingerprint();
      ASSERT_TRUE(after.ok()) << after.status();
      EXPECT_EQ(*after, *before) << who << ": a refused call wrote data";
      absl::StatusOr<int64_t> events = probes.audit_events();
      ASSERT_TRUE(events.ok()) << events.status();
      EXPECT_EQ(*events, *events_before) << who << ": a refused call audited";
    };
    refused("", grpc::StatusCode::UNAUTHENTICATED, "no identity");
    refused(c.wrong_role, grpc::StatusCode::PERMISSION_DENIED, "wrong role");
    if (!c.wrong_scope.empty()) {
      refused(c.wrong_scope, grpc::StatusCode::PERMISSION_DENIED,
              "wrong commune");
    }
    grpc::Status allowed = c.call(c.allowed);
    EXPECT_TRUE(allowed.ok()) << "allowed caller: " << allowed.error_code()
                              << " " << allowed.error_message();
    if (c.writes) {
      absl::StatusOr<int64_t> events = probes.audit_events();
      ASSERT_TRUE(events.ok()) << events.status();
      EXPECT_GT(*events, *events_before) << "a write left no audit event";
    }
  }
}

MatrixProbes DatabaseProbes(std::string conninfo, std::string schema) {
  return MatrixProbes{
      [conninfo, schema] { return SchemaFingerprint(conninfo, schema); },
      [conninfo] { return AuditEventCount(conninfo); }};
}

}  // namespace hpedu::testing
