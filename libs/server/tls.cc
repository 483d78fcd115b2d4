#include "libs/server/tls.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "libs/base/string_view.h"
#include "libs/status/errors.h"
#include "libs/status/status_macros.h"

namespace hpedu::server {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    std::string_view flag) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  if (!file.good() && !file.eof()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", ToAbsl(flag), " file ", path));
  }
  std::string pem = content.str();
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return absl::FailedPreconditionError(
        absl::StrCat(ToAbsl(flag), " file ", path, " is not PEM"));
  }
  return pem;
}

absl::Status CheckComplete(const TlsFiles& files) {
  FieldViolations violations;
  if (files.cert.empty()) violations.Add("--tls_cert", "required with TLS");
  if (files.key.empty()) violations.Add("--tls_key", "required with TLS");
  if (files.ca.empty()) violations.Add("--tls_ca", "required with TLS");
  return violations.ToStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files) {
  if (!files.enabled()) return grpc::InsecureServerCredentials();
  RETURN_IF_ERROR(CheckComplete(files));
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem(files.ca, "--tls_ca"));
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.private_key, ReadPem(files.key, "--tls_key"));
  ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(files.cert, "--tls_cert"));
  options.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const TlsFiles& files) {
  if (!files.enabled()) return grpc::InsecureChannelCredentials();
  RETURN_IF_ERROR(CheckComplete(files));
  grpc::SslCredentialsOptions options;
  ASSIGN_OR_RETURN(options.pem_root_certs, ReadPem(files.ca, "--tls_ca"));
  ASSIGN_OR_RETURN(options.pem_private_key, ReadPem(files.key, "--tls_key"));
  ASSIGN_OR_RETURN(options.pem_cert_chain, ReadPem(files.cert, "--tls_cert"));
  return grpc::SslCredentials(options);
}

}  // namespace hpedu::server
