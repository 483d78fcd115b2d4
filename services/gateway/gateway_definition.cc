#include "services/gateway/gateway_definition.h"

#include <csignal>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "libs/base/string_view.h"
#include "libs/server/log.h"
#include "libs/server/logging_interceptor.h"
#include "libs/server/peers.h"
#include "libs/server/tls.h"
#include "libs/status/errors.h"
#include "services/gateway/http_json.h"

#ifndef HPEDU_GATEWAY_WEB_DIR
#define HPEDU_GATEWAY_WEB_DIR ""
#endif

namespace hpedu::gateway {
namespace {

constexpr char kService[] = "gateway";
constexpr char kServiceName[] = "hpedu.gateway.v1.GatewayService";

struct GatewayOption {
  const char* name;
  const char* help;
  bool (*set)(std::string_view value, GatewayConfig& config);
};

bool SetDuration(std::string_view value, absl::Duration& out) {
  absl::Duration d;
  if (!absl::ParseDuration(ToAbsl(value), &d) || d < absl::ZeroDuration()) return false;
  out = d;
  return true;
}

const GatewayOption kOptions[] = {
    {"http_listen", "HTTP/JSON and dashboard address host:port (empty: none)",
     [](std::string_view v, GatewayConfig& c) {
       c.http_listen = std::string(v);
       return v.empty() || v.find(':') != std::string_view::npos;
     }},
    {"web_dir", "directory of the built dashboard",
     [](std::string_view v, GatewayConfig& c) {
       c.web_dir = std::string(v);
       return true;
     }},
    {"cache_ttl", "how long a backend answer is reused, e.g. 5s (0: never)",
     [](std::string_view v, GatewayConfig& c) {
       return SetDuration(v, c.backends.cache_ttl);
     }},
    {"backend_timeout", "longest a backend call may take, e.g. 5s",
     [](std::string_view v, GatewayConfig& c) {
       return SetDuration(v, c.backends.backend_timeout);
     }},
};

const GatewayOption* FindGatewayOption(std::string_view name) {
  for (const GatewayOption& option : kOptions) {
    if (name == option.name) return &option;
  }
  return nullptr;
}

class GatewayImpl final : public Gateway {
 public:
  explicit GatewayImpl(GatewayConfig config)
      : config_(std::move(config)) {}

  ~GatewayImpl() override { Shutdown(absl::ZeroDuration()); }

  absl::Status Init() {
    absl::StatusOr<std::unique_ptr<server::CallContextFactory>> contexts =
        server::CallContextFactory::Create(config_.server);
    if (!contexts.ok()) return contexts.status();
    contexts_ = *std::move(contexts);
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> server_credentials =
        server::MakeServerCredentials(config_.server.tls);
    if (!server_credentials.ok()) return server_credentials.status();
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> peer_credentials =
        server::MakeChannelCredentials(config_.server.tls);
    if (!peer_credentials.ok()) return peer_credentials.status();
    peers_ = std::make_unique<server::PeerChannels>(
        config_.server.peer_addresses, config_.server.max_message_bytes,
        *peer_credentials);
    backends_ = std::make_unique<Backends>(peers_.get(), config_.backends);
    service_ = std::make_unique<GatewayServiceImpl>(contexts_.get(), backends_.get(),
                                                    config_.views);

    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(config_.server.listen_address, *server_credentials,
                             &port_);
    builder.RegisterService(service_.get());
    builder.SetMaxReceiveMessageSize(config_.server.max_message_bytes);
    builder.SetMaxSendMessageSize(config_.server.max_message_bytes);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(
        GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.experimental().SetInterceptorCreators(server::MakeInterceptorChain(
        config_.server.service, config_.server.log_requests));
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(absl::StrCat(
          "cannot listen on ", config_.server.listen_address,
          " (address in use or not local?)"));
    }
    // No database: serving as long as the process runs; each view reports
    // its backends' health in its sections.
    server_->GetHealthCheckService()->SetServingStatus("", true);
    server_->GetHealthCheckService()->SetServingStatus(kServiceName, true);
    if (!config_.http_listen.empty()) {
      HttpOptions http;
      http.listen = config_.http_listen;
      http.web_dir = config_.web_dir;
      // The build tree's dashboard if there is one (not built: API only).
      if (http.web_dir.empty() && std::filesystem::is_directory(DefaultWebDir())) {
        http.web_dir = DefaultWebDir();
      }
      http.default_deadline = config_.server.default_deadline;
      http.threads = std::max(4, config_.server.workers);
      absl::StatusOr<std::unique_ptr<HttpGateway>> started = HttpGateway::Start(
          http, server_->InProcessChannel(grpc::ChannelArguments()),
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
              kServiceName));
      if (!started.ok()) return started.status();
      http_ = *std::move(started);
    }
    server::Log(server::LogLevel::kInfo, kService, "listening",
                {{"address", config_.server.listen_address},
                 {"port", port_},
                 {"http_port", http_port()}});
    return absl::OkStatus();
  }

  int grpc_port() const override { return port_; }
  int http_port() const override { return http_ ? http_->port() : 0; }
  const Backends& backends() const override { return *backends_; }

  void Shutdown(absl::Duration grace) override {
    {
      absl::MutexLock lock(&mu_);
      if (shut_down_) return;
      shut_down_ = true;
    }
    if (http_) http_->Stop();
    if (server_ != nullptr) {
      server_->GetHealthCheckService()->Shutdown();
      server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
      server_->Wait();
    }
  }

 private:
  GatewayConfig config_;
  std::unique_ptr<server::CallContextFactory> contexts_;
  std::unique_ptr<server::PeerChannels> peers_;
  std::unique_ptr<Backends> backends_;
  std::unique_ptr<GatewayServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<HttpGateway> http_;
  int port_ = 0;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

std::string DefaultWebDir() { return HPEDU_GATEWAY_WEB_DIR; }

absl::StatusOr<GatewayConfig> LoadGatewayConfig(int argc, char** argv) {
  GatewayConfig config;
  FieldViolations violations;
  for (const GatewayOption& option : kOptions) {
    for (const std::string& env :
         {absl::StrCat("HPEDU_", absl::AsciiStrToUpper(option.name)),
          absl::StrCat("HPEDU_GATEWAY_", absl::AsciiStrToUpper(option.name))}) {
      if (const char* value = std::getenv(env.c_str())) {
        if (!option.set(value, config)) {
          violations.Add(env, absl::StrCat("giá trị không hợp lệ / invalid "
                                           "value: ", option.help));
        }
      }
    }
  }
  // The generic options go to the generic loader; it requires --db, which
  // the gateway (no database) answers with a placeholder it never uses.
  std::vector<std::string> rest = {argc > 0 ? argv[0] : "hpedu_gateway",
                                   "--db=(none: the gateway has no database)"};
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.substr(0, 2) == "--") {
      std::string_view body = arg.substr(2);
      std::string_view name = body.substr(0, body.find('='));
      if (const GatewayOption* option = FindGatewayOption(name)) {
        std::string_view value =
            body.size() > name.size() ? body.substr(name.size() + 1) : "";
        if (!option->set(value, config)) {
          violations.Add(absl::StrCat("--", ToAbsl(name)),
                         absl::StrCat("giá trị không hợp lệ / invalid value: ",
                                      option->help));
        }
        continue;
      }
    }
    rest.push_back(std::string(arg));
  }
  if (!violations.empty()) return violations.ToStatus();
  std::vector<char*> args;
  for (std::string& arg : rest) args.push_back(arg.data());
  absl::StatusOr<server::ServerConfig> server = server::LoadServerConfig(
      kService, static_cast<int>(args.size()), args.data());
  if (!server.ok()) return server.status();
  config.server = *std::move(server);
  return config;
}

std::string GatewayUsage() {
  std::string usage = server::ServerConfigUsage(kService);
  absl::StrAppend(&usage, "Gateway (the --db and pool options are unused):\n");
  for (const GatewayOption& option : kOptions) {
    absl::StrAppend(&usage, "  --", option.name, "  (HPEDU_GATEWAY_",
                    absl::AsciiStrToUpper(option.name), ")\n      ",
                    option.help, "\n");
  }
  return usage;
}

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(GatewayConfig config) {
  auto gateway = std::make_unique<GatewayImpl>(std::move(config));
  if (absl::Status status = gateway->Init(); !status.ok()) return status;
  return gateway;
}

int GatewayMain(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(GatewayUsage().c_str(), stdout);
      return 0;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  absl::StatusOr<GatewayConfig> config = LoadGatewayConfig(argc, argv);
  if (!config.ok()) {
    server::Log(server::LogLevel::kError, kService, "bad configuration",
                {{"error", std::string(config.status().message())}});
    std::fputs(GatewayUsage().c_str(), stderr);
    return 2;
  }
  absl::Duration grace = config->server.shutdown_grace;
  absl::StatusOr<std::unique_ptr<Gateway>> gateway =
      Gateway::Start(*std::move(config));
  if (!gateway.ok()) {
    server::Log(server::LogLevel::kError, kService, "cannot start",
                {{"error", std::string(gateway.status().message())}});
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  server::Log(server::LogLevel::kInfo, kService, "shutting down",
              {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*gateway)->Shutdown(grace);
  return 0;
}

}  // namespace hpedu::gateway
