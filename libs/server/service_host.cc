#include "libs/server/service_host.h"

#include <string_view>

#include <csignal>
#include <cstdio>
#include <pthread.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "libs/metrics/http_exposer.h"
#include "libs/metrics/metrics.h"
#include "libs/server/db_health.h"
#include "libs/trace/otlp_http_exporter.h"
#include "libs/trace/trace.h"
#include "libs/server/log.h"
#include "libs/server/logging_interceptor.h"
#include "libs/status/status_macros.h"

namespace hpedu::server {
namespace {

// The pool of a service without a database: it never has a connection.
class NoDatabasePool final : public db::Pool {
 public:
  absl::StatusOr<db::Lease> Acquire(absl::Time) override {
    return absl::FailedPreconditionError("this service has no database");
  }
  void Close() override {}
  db::PoolStats Stats() const override { return {}; }

 private:
  void Return(std::unique_ptr<pqxx::connection>, bool) override {}
};

class ServiceHostImpl final : public ServiceHost {
 public:
  explicit ServiceHostImpl(ServerConfig config)
      : config_(std::move(config)) {}

  ~ServiceHostImpl() override { Shutdown(absl::ZeroDuration()); }

  absl::Status Init(ServiceDefinition definition_in) {
    definition_ = std::move(definition_in);
    ServiceDefinition& definition = definition_;
    if (!definition.has_database) {
      pool_ = std::make_unique<NoDatabasePool>();
    } else {
      if (definition.migrations != nullptr) {
        RETURN_IF_ERROR(db::ApplyMigrations(config_.db, definition.name,
                                            *definition.migrations));
      }
      ASSIGN_OR_RETURN(pool_, db::Pool::Create(db::PoolOptions{
                                  config_.db, config_.db_pool_size,
                                  std::move(definition.statements)}));
    }
    ASSIGN_OR_RETURN(contexts_, CallContextFactory::Create(config_));
    executor_ = std::make_unique<Executor>(config_.workers, config_.max_queue);
    calls_ = std::make_unique<UnaryCalls>(executor_.get(), contexts_.get());
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> server_credentials,
                     MakeServerCredentials(config_.tls));
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> peer_credentials,
                     MakeChannelCredentials(config_.tls));
    peers_ = std::make_unique<PeerChannels>(config_.peer_addresses,
                                            config_.max_message_bytes,
                                            std::move(peer_credentials));
    ServiceEnv env{config_, *pool_, *calls_, *peers_, on_shutdown_};
    ASSIGN_OR_RETURN(services_, definition.make_services(env));
    service_names_ = std::move(definition.service_names);

    RETURN_IF_ERROR(StartTracing());
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    builder.AddListeningPort(config_.listen_address, server_credentials,
                             &port_);
    for (auto& service : services_) builder.RegisterService(service.get());
    builder.SetMaxReceiveMessageSize(config_.max_message_bytes);
    builder.SetMaxSendMessageSize(config_.max_message_bytes);
    // Keepalive: notice dead peers, and let clients ping idle connections
    // without being sent GOAWAY for "too many pings".
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
    builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
    builder.AddChannelArgument(
        GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
    builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 0);
    // A second instance on the same port is a mistake, not a load balancer.
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.experimental().SetInterceptorCreators(MakeInterceptorChain(
        config_.service, InterceptorOptions{config_.log_requests, true}));
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(absl::StrCat(
          "cannot listen on ", config_.listen_address,
          " (address in use or not local?)"));
    }
    health_ = server_->GetHealthCheckService();
    if (definition.has_database) {
      monitor_ = std::make_unique<DbHealthMonitor>(
          pool_.get(), config_.health_interval,
          [this](bool serving) { SetServing(serving); });
      monitor_->ProbeNow();
    } else {
      SetServing(true);  // nothing to probe: serving while it runs
    }
    RETURN_IF_ERROR(StartMetrics(definition.has_database));
    if (definition.start_frontend) {
      ASSIGN_OR_RETURN(frontend_, definition.start_frontend(env, *server_));
    }
    Log(LogLevel::kInfo, config_.service, "listening",
        {{"address", config_.listen_address}, {"port", port_}});
    return absl::OkStatus();
  }

  int port() const override { return port_; }
  int metrics_port() const override {
    return exposer_ == nullptr ? 0 : exposer_->port();
  }

  void Shutdown(absl::Duration grace) override {
    {
      absl::MutexLock lock(&mu_);
      if (shutting_down_) return;
      shutting_down_ = true;
    }
    if (server_ != nullptr) {
      // Order matters: tell load balancers first, then drain, then release.
      health_->Shutdown();  // every service NOT_SERVING, updates ignored
      monitor_.reset();
      if (frontend_ != nullptr) frontend_->Stop();
      for (const auto& hook : on_shutdown_) hook();
      server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
      server_->Wait();
    }
    monitor_.reset();
    exposer_.reset();
    if (collector_ >= 0) {
      metrics::Registry::Default().RemoveCollector(collector_);
      collector_ = -1;
    }
    if (executor_ != nullptr) executor_->Shutdown();
    // What this host's calls recorded leaves before the process does.
    if (!config_.otlp_endpoint.empty()) trace::Tracer::Default().Flush();
    if (pool_ != nullptr) pool_->Close();
    Log(LogLevel::kInfo, config_.service, "stopped");
    absl::MutexLock lock(&mu_);
    stopped_ = true;
  }

  void Wait() override {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&stopped_));
  }

 private:
  // Installs the OTLP exporter. The tracer is per process: hosts sharing a
  // process (tests) share the first endpoint configured.
  absl::Status StartTracing() {
    if (config_.otlp_endpoint.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::unique_ptr<trace::OtlpHttpExporter> exporter,
                     trace::OtlpHttpExporter::Create(config_.otlp_endpoint));
    InstallTracingClientInterceptor();
    static absl::Mutex mu;
    static std::string* endpoint = new std::string;
    absl::MutexLock lock(&mu);
    if (!trace::Tracer::Default().enabled() || *endpoint != config_.otlp_endpoint) {
      trace::Tracer::Default().SetExporter(std::move(exporter));
      *endpoint = config_.otlp_endpoint;
    }
    return absl::OkStatus();
  }

  // Samples the pool into gauges at every scrape, and serves /metrics when
  // configured. Several hosts in one process (tests) share the registry;
  // each labels its pool by service.
  absl::Status StartMetrics(bool has_database) {
    auto& registry = metrics::Registry::Default();
    if (has_database) AddPoolGauges(registry);
    if (config_.metrics_listen.empty()) return absl::OkStatus();
    ASSIGN_OR_RETURN(exposer_, metrics::HttpExposer::Start(
                                   config_.metrics_listen, &registry));
    Log(LogLevel::kInfo, config_.service, "metrics listening",
        {{"address", config_.metrics_listen}, {"port", exposer_->port()}});
    return absl::OkStatus();
  }

  void AddPoolGauges(metrics::Registry& registry) {
    metrics::Gauge& in_use = registry.AddGauge(
        "hpedu_db_pool_in_use", "Pooled connections leased", {"service"});
    metrics::Gauge& open = registry.AddGauge(
        "hpedu_db_pool_open", "Pooled connections open", {"service"});
    metrics::Gauge& waiting = registry.AddGauge(
        "hpedu_db_pool_waiting", "Callers waiting for a connection",
        {"service"});
    metrics::Gauge& size = registry.AddGauge(
        "hpedu_db_pool_size", "The pool's bound", {"service"});
    collector_ = registry.AddCollector(
        [this, &in_use, &open, &waiting, &size] {
          const db::PoolStats stats = pool_->Stats();
          in_use.With({config_.service}).Set(stats.leased);
          open.With({config_.service}).Set(stats.open);
          waiting.With({config_.service}).Set(stats.waiting);
          size.With({config_.service}).Set(stats.size);
        });
  }

  void SetServing(bool serving) {
    health_->SetServingStatus("", serving);
    for (const std::string& name : service_names_) {
      health_->SetServingStatus(name, serving);
    }
    Log(serving ? LogLevel::kInfo : LogLevel::kWarning, config_.service,
        serving ? "health SERVING" : "health NOT_SERVING");
  }

  ServerConfig config_;
  std::unique_ptr<CallContextFactory> contexts_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<UnaryCalls> calls_;
  std::unique_ptr<PeerChannels> peers_;
  // After peers_, before services_: what its functions capture may use the
  // peers and be used by the services.
  ServiceDefinition definition_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::vector<std::string> service_names_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Frontend> frontend_;
  std::vector<std::function<void()>> on_shutdown_;  // set by make_services
  grpc::HealthCheckServiceInterface* health_ = nullptr;
  std::unique_ptr<DbHealthMonitor> monitor_;
  std::unique_ptr<metrics::HttpExposer> exposer_;
  int collector_ = -1;
  int port_ = 0;

  absl::Mutex mu_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Start(
    ServerConfig config, ServiceDefinition definition) {
  auto host = std::make_unique<ServiceHostImpl>(std::move(config));
  RETURN_IF_ERROR(host->Init(std::move(definition)));
  return host;
}

int ServiceMain(int argc, char** argv, ServiceDefinition definition) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(ServerConfigUsage(definition.name,
                                   ConfigSpec{definition.has_database,
                                              definition.flags})
                     .c_str(),
                 stdout);
      return 0;
    }
  }
  // Block the signals in every thread (gRPC's included) and wait for them
  // synchronously on this one: no async-signal-safety pitfalls.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::string name = definition.name;
  const ConfigSpec spec{definition.has_database, definition.flags};
  absl::StatusOr<ServerConfig> config =
      LoadServerConfig(name, argc, argv, spec);
  if (!config.ok()) {
    Log(LogLevel::kError, name, "bad configuration",
        {{"error", std::string(config.status().message())}});
    std::fputs(ServerConfigUsage(name, spec).c_str(), stderr);
    return 2;
  }
  absl::Duration grace = config->shutdown_grace;
  absl::StatusOr<std::unique_ptr<ServiceHost>> host =
      ServiceHost::Start(*std::move(config), std::move(definition));
  if (!host.ok()) {
    Log(LogLevel::kError, name, "cannot start",
        {{"error", std::string(host.status().message())},
         {"code", absl::StatusCodeToString(host.status().code())}});
    return 1;
  }
  int signal = 0;
  sigwait(&signals, &signal);
  Log(LogLevel::kInfo, name, "shutting down",
      {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}});
  (*host)->Shutdown(grace);
  return 0;
}

}  // namespace hpedu::server
