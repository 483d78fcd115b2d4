#include "services/gateway/gateway_definition.h"

#include <filesystem>
#include <utility>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "hpedu/indicators/v1/approvals.pb.h"
#include "libs/base/string_view.h"
#include "libs/server/log.h"
#include "services/gateway/http_json.h"

#ifndef HPEDU_GATEWAY_WEB_DIR
#define HPEDU_GATEWAY_WEB_DIR ""
#endif

namespace hpedu::gateway {
namespace {

constexpr char kService[] = "gateway";
constexpr char kServiceName[] = "hpedu.gateway.v1.GatewayService";

// The services the HTTP side passes through, by the peer that serves them:
// the dashboard's entry, submission and review pages write with them, as
// the signed-in person. (IndicatorSourceService is between services only.)
// Each service is found through a message of its file, which also links
// the file's descriptors in.
template <typename MessageOfItsFile>
const google::protobuf::ServiceDescriptor* ServiceOf(const char* name) {
  return MessageOfItsFile::descriptor()->file()->FindServiceByName(name);
}

struct PassThrough {
  const char* peer;
  const google::protobuf::ServiceDescriptor* (*service)();
};
const PassThrough kPassThrough[] = {
    {"registry", [] { return ServiceOf<rv1::GetUnitRequest>("RegistryService"); }},
    {"plans", [] { return ServiceOf<pv1::GetTaskRequest>("PlansService"); }},
    {"indicators",
     [] { return ServiceOf<iv1::ReportValueRequest>("IndicatorsService"); }},
    {"indicators",
     [] { return ServiceOf<iv1::SubmitValuesRequest>("ApprovalService"); }},
    {"staffing",
     [] { return ServiceOf<sv1::GetStaffMemberRequest>("StaffingService"); }},
    {"budget",
     [] { return ServiceOf<bv1::GetBudgetVersionRequest>("BudgetService"); }},
};

struct GatewayOption {
  const char* name;
  const char* help;
  bool (*set)(std::string_view value, GatewayOptions& options);
};

bool SetDuration(std::string_view value, absl::Duration& out) {
  absl::Duration d;
  if (!absl::ParseDuration(ToAbsl(value), &d) || d < absl::ZeroDuration()) return false;
  out = d;
  return true;
}

const GatewayOption kOptions[] = {
    {"http_listen", "HTTP/JSON and dashboard address host:port (empty: none)",
     [](std::string_view v, GatewayOptions& c) {
       c.http_listen = std::string(v);
       return v.empty() || v.find(':') != std::string_view::npos;
     }},
    {"web_dir", "directory of the built dashboard",
     [](std::string_view v, GatewayOptions& c) {
       c.web_dir = std::string(v);
       return true;
     }},
    {"cache_ttl", "how long a backend answer is reused, e.g. 5s (0: never)",
     [](std::string_view v, GatewayOptions& c) {
       return SetDuration(v, c.backends.cache_ttl);
     }},
    {"backend_timeout", "longest a backend call may take, e.g. 5s",
     [](std::string_view v, GatewayOptions& c) {
       return SetDuration(v, c.backends.backend_timeout);
     }},
};

// What the definition's functions share with a Gateway handle.
struct GatewayState {
  GatewayOptions options;
  std::unique_ptr<Backends> backends;  // once the host has its peers
  HttpGateway* http = nullptr;         // owned by the host; null without HTTP
};

server::ServiceDefinition MakeDefinition(std::shared_ptr<GatewayState> state) {
  server::ServiceDefinition definition;
  definition.name = kService;
  definition.has_database = false;
  definition.service_names = {kServiceName};
  for (const GatewayOption& option : kOptions) {
    definition.flags.push_back(server::ServiceFlag{
        option.name, option.help,
        [state, set = option.set](std::string_view value) {
          return set(value, state->options);
        }});
  }
  definition.make_services = [state](server::ServiceEnv& env)
      -> absl::StatusOr<std::vector<std::unique_ptr<grpc::Service>>> {
    state->backends =
        std::make_unique<Backends>(&env.peers, state->options.backends);
    std::vector<std::unique_ptr<grpc::Service>> services;
    services.push_back(std::make_unique<GatewayServiceImpl>(
        &env.calls.contexts(), state->backends.get(), state->options.views));
    return services;
  };
  definition.start_frontend = [state](server::ServiceEnv& env,
                                      grpc::Server& server)
      -> absl::StatusOr<std::unique_ptr<server::Frontend>> {
    if (state->options.http_listen.empty()) return nullptr;
    HttpOptions http;
    http.listen = state->options.http_listen;
    http.web_dir = state->options.web_dir;
    // The build tree's dashboard if there is one (not built: API only).
    if (http.web_dir.empty() && std::filesystem::is_directory(DefaultWebDir())) {
      http.web_dir = DefaultWebDir();
    }
    http.default_deadline = env.config.default_deadline;
    std::vector<HttpRoute> routes;
    routes.push_back(HttpRoute{ServiceOf<v1::GetCityOverviewRequest>("GatewayService"),
                               server.InProcessChannel(grpc::ChannelArguments()),
                               "/api/v1/", /*requires_token=*/false});
    for (const PassThrough& pass : kPassThrough) {
      absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
          env.peers.Get(pass.peer);
      if (!channel.ok()) continue;  // no address: not served
      const google::protobuf::ServiceDescriptor* service = pass.service();
      routes.push_back(HttpRoute{service, *std::move(channel),
                                 RoutePrefix(*service),
                                 /*requires_token=*/true});
    }
    absl::StatusOr<std::unique_ptr<HttpGateway>> started =
        HttpGateway::Start(http, std::move(routes));
    if (!started.ok()) return started.status();
    state->http = started->get();
    server::Log(server::LogLevel::kInfo, kService, "http listening",
                {{"address", http.listen}, {"port", state->http->port()}});
    return std::unique_ptr<server::Frontend>(*std::move(started));
  };
  return definition;
}

class GatewayImpl final : public Gateway {
 public:
  GatewayImpl(std::unique_ptr<server::ServiceHost> host,
              std::shared_ptr<GatewayState> state)
      : host_(std::move(host)), state_(std::move(state)) {}

  int grpc_port() const override { return host_->port(); }
  int http_port() const override {
    return state_->http != nullptr ? state_->http->port() : 0;
  }
  int metrics_port() const override { return host_->metrics_port(); }
  const Backends& backends() const override { return *state_->backends; }
  void Shutdown(absl::Duration grace) override { host_->Shutdown(grace); }

 private:
  std::unique_ptr<server::ServiceHost> host_;
  std::shared_ptr<GatewayState> state_;  // released before the host
};

}  // namespace

std::string DefaultWebDir() { return HPEDU_GATEWAY_WEB_DIR; }

server::ServiceDefinition Definition() {
  return MakeDefinition(std::make_shared<GatewayState>());
}

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(GatewayConfig config) {
  auto state = std::make_shared<GatewayState>();
  state->options = config;
  absl::StatusOr<std::unique_ptr<server::ServiceHost>> host =
      server::ServiceHost::Start(std::move(config.server),
                                 MakeDefinition(state));
  if (!host.ok()) return host.status();
  return std::make_unique<GatewayImpl>(*std::move(host), std::move(state));
}

}  // namespace hpedu::gateway
