#include "libs/testing/pki.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"

namespace hpedu::testing {

absl::StatusOr<TestPki> TestPki::Create(const std::vector<std::string>& names) {
  static std::atomic<int> next{0};
  std::string dir = absl::StrCat(::testing::TempDir(), "/pki_", getpid(), "_",
                                 next.fetch_add(1));
  const std::string command =
      absl::StrCat(HPEDU_SOURCE_DIR, "/deploy/local/make-certs.sh ", dir, " ",
                   absl::StrJoin(names, " "), " >/dev/null 2>&1");
  if (std::system(command.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("failed: ", command));
  }
  return TestPki(std::move(dir));
}

server::TlsFiles TestPki::Files(const std::string& name) const {
  return server::TlsFiles{absl::StrCat(dir_, "/", name, ".pem"),
                          absl::StrCat(dir_, "/", name, ".key"),
                          absl::StrCat(dir_, "/ca.pem")};
}

std::shared_ptr<grpc::Channel> TestPki::Channel(const std::string& address,
                                                const std::string& name) const {
  return grpc::CreateChannel(
      address, server::MakeChannelCredentials(Files(name)).value());
}

}  // namespace hpedu::testing
