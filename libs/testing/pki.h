// Test support: a certificate authority and a certificate per name, made by
// deploy/local/make-certs.sh as up.sh makes them, for services that talk
// mutual TLS in tests (a scheduled job calls its peers as the service, with
// no person's token to pass on). The directory is the test's; it is not
// removed.
//
//   ASSERT_OK_AND_ASSIGN(TestPki pki, TestPki::Create({"indicators",
//   "hpedu-cli"})); config.tls = pki.Files("indicators"); auto channel =
//   pki.Channel(address, "hpedu-cli");  // the service role
#ifndef HPEDU_LIBS_TESTING_PKI_H_
#define HPEDU_LIBS_TESTING_PKI_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "libs/server/tls.h"

namespace hpedu::testing {

// Copyable; immutable.
class TestPki {
 public:
  // A new CA under the test's temporary directory and a certificate for
  // each of `names` (subject CN = the name). INTERNAL if make-certs.sh
  // fails.
  static absl::StatusOr<TestPki> Create(const std::vector<std::string>& names);

  const std::string& directory() const { return dir_; }
  // The certificate and key of `name`, and the CA.
  server::TlsFiles Files(const std::string& name) const;
  // A channel to `address` presenting `name`'s certificate.
  std::shared_ptr<grpc::Channel> Channel(const std::string& address,
                                         const std::string& name) const;

 private:
  explicit TestPki(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace hpedu::testing

#endif  // HPEDU_LIBS_TESTING_PKI_H_
