// Transport security for servers and the channels between services: mutual
// TLS when certificate files are configured, plaintext otherwise (local
// development and in-process tests). With TLS, a server refuses plaintext
// connections and client certificates from any CA but the configured one,
// and the client certificate's subject CN is the caller (CallContext).
#ifndef HPEDU_LIBS_SERVER_TLS_H_
#define HPEDU_LIBS_SERVER_TLS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

namespace hpedu::server {

// PEM files. Either all three are set or none.
struct TlsFiles {
  std::string cert;  // this process's certificate chain (--tls_cert)
  std::string key;   // its private key (--tls_key)
  std::string ca;    // the CA that signs every hpedu peer (--tls_ca)

  bool enabled() const { return !cert.empty() || !key.empty() || !ca.empty(); }
};

// Mutual TLS requiring and verifying client certificates against `files.ca`,
// or plaintext when TLS is not enabled. INVALID_ARGUMENT if only some files
// are set; FAILED_PRECONDITION naming the file if one cannot be read.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

// The client side: verifies the server against `files.ca` and presents
// `files.cert`. Plaintext when TLS is not enabled.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const TlsFiles& files);

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_TLS_H_
