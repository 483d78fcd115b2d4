#include "services/gateway/http_json.h"

#include <algorithm>
#include <future>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "libs/base/string_view.h"
#include "libs/server/call_context.h"
#include "libs/status/errors.h"
#include "libs/status/grpc_status.h"
#include "libs/trace/trace.h"
#include "nlohmann/json.hpp"

namespace hpedu::gateway {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::MethodDescriptor;
using ::nlohmann::json;

// The service.name of the HTTP requests' spans.
constexpr std::string_view kTraceService = "gateway";

std::unique_ptr<Message> NewMessage(const Descriptor* descriptor) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          descriptor);
  return std::unique_ptr<Message>(prototype->New());
}

const FieldDescriptor* FindField(const Descriptor& message,
                                 std::string_view name) {
  const FieldDescriptor* field = message.FindFieldByName(std::string(name));
  if (field != nullptr) return field;
  for (int i = 0; i < message.field_count(); ++i) {
    if (message.field(i)->json_name() == name) return message.field(i);
  }
  return nullptr;
}

// Well-known types have their own JSON forms (strings, any value): leave
// them to protobuf.
bool IsWellKnown(const Descriptor& message) {
  return message.file()->package() == "google.protobuf";
}

std::string Join(std::string_view path, std::string_view name) {
  return path.empty() ? std::string(name)
                      : absl::StrCat(ToAbsl(path), ".", ToAbsl(name));
}

// Finds the first field of `value` that `message` does not have, or whose
// JSON type cannot be its type, as a JSON path.
void CheckShape(const json& value, const Descriptor& message,
                const std::string& path, FieldViolations& violations) {
  if (!value.is_object()) {
    violations.Add(path.empty() ? "(body)" : path,
                   "phải là đối tượng JSON / must be a JSON object");
    return;
  }
  for (const auto& [key, item] : value.items()) {
    const std::string here = Join(path, key);
    const FieldDescriptor* field = FindField(message, key);
    if (field == nullptr) {
      violations.Add(here, "không có trường này / no such field");
      continue;
    }
    if (item.is_null()) continue;
    if (field->is_map()) continue;  // left to protobuf
    if (field->is_repeated() && !item.is_array()) {
      violations.Add(here, "phải là mảng / must be an array");
      continue;
    }
    auto check_one = [&](const json& element, const std::string& at) {
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          if (!IsWellKnown(*field->message_type())) {
            CheckShape(element, *field->message_type(), at, violations);
          }
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          if (!element.is_string()) {
            violations.Add(at, "phải là chuỗi / must be a string");
          }
          break;
        case FieldDescriptor::CPPTYPE_BOOL:
          if (!element.is_boolean()) {
            violations.Add(at, "phải là true/false / must be a boolean");
          }
          break;
        case FieldDescriptor::CPPTYPE_ENUM:
          if (element.is_string()) {
            if (field->enum_type()->FindValueByName(
                    element.get<std::string>()) == nullptr) {
              violations.Add(at, absl::StrCat("giá trị không hợp lệ / not a ",
                                              field->enum_type()->name()));
            }
          } else if (!element.is_number_integer()) {
            violations.Add(at, "phải là tên giá trị / must be an enum name");
          }
          break;
        default: {  // numbers: JSON numbers or numeric strings
          bool ok = element.is_number();
          if (element.is_string()) {
            double d;
            ok = absl::SimpleAtod(element.get<std::string>(), &d);
          }
          if (ok && element.is_number_float() &&
              field->cpp_type() != FieldDescriptor::CPPTYPE_DOUBLE &&
              field->cpp_type() != FieldDescriptor::CPPTYPE_FLOAT) {
            const double d = element.get<double>();
            ok = d == static_cast<double>(static_cast<long long>(d));
          }
          if (!ok) violations.Add(at, "phải là số / must be a number");
        }
      }
    };
    if (field->is_repeated()) {
      for (size_t i = 0; i < item.size(); ++i) {
        check_one(item[i], absl::StrCat(here, "[", i, "]"));
      }
    } else {
      check_one(item, here);
    }
  }
}

absl::StatusOr<std::unique_ptr<Message>> ParseChecked(
    const Descriptor& type, const std::string& text) {
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    // Locate the error for the message.
    std::string where;
    try {
      json ignored = json::parse(text);
      (void)ignored;
    } catch (const json::parse_error& e) {
      where = absl::StrCat(" at byte ", e.byte);
    }
    return InvalidField("(body)", absl::StrCat(
                                      "JSON không hợp lệ / malformed JSON", where));
  }
  FieldViolations violations;
  CheckShape(parsed, type, "", violations);
  if (!violations.empty()) return violations.ToStatus();
  std::unique_ptr<Message> message = NewMessage(&type);
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(text, message.get(),
                                                            options);
  if (!status.ok()) {
    return InvalidField("(body)", std::string(status.message()));
  }
  return message;
}

// Inserts a query parameter into a JSON object along its dotted path, typed
// by the field it names.
void InsertParam(json& object, const Descriptor& message,
                 std::string_view path, const std::string& value,
                 const std::string& full, FieldViolations& violations) {
  std::string_view head = path;
  std::string_view rest;
  if (size_t dot = path.find('.'); dot != std::string_view::npos) {
    head = path.substr(0, dot);
    rest = path.substr(dot + 1);
  }
  const FieldDescriptor* field = FindField(message, head);
  if (field == nullptr) {
    violations.Add(full, "không có trường này / no such field");
    return;
  }
  const std::string key = field->json_name();
  if (!rest.empty()) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
        field->is_repeated()) {
      violations.Add(full, "không có trường này / no such field");
      return;
    }
    if (!object.contains(key)) object[key] = json::object();
    InsertParam(object[key], *field->message_type(), rest, value, full,
                violations);
    return;
  }
  json typed;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value == "true" || value == "1" || value.empty()) typed = true;
      else if (value == "false" || value == "0") typed = false;
      else {
        violations.Add(full, "phải là true/false / must be a boolean");
        return;
      }
      break;
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      typed = value;  // numeric strings are valid proto3 JSON numbers
      break;
    default:
      typed = value;
  }
  if (field->is_repeated()) {
    if (!object.contains(key)) object[key] = json::array();
    object[key].push_back(std::move(typed));
  } else {
    object[key] = std::move(typed);
  }
}

// Streaming methods are gRPC only.
bool IsStreaming(const MethodDescriptor& method) {
  return method.client_streaming() || method.server_streaming();
}

// `text` as a literal in a std::regex (ECMAScript).
std::string RegexLiteral(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::string_view(R"(\^$.|?*+()[]{})").find(c) != std::string_view::npos) {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  return out;
}

json SchemaRef(const Descriptor& message) {
  return json{{"$ref", absl::StrCat("#/components/schemas/", message.full_name())}};
}

json FieldSchema(const FieldDescriptor& field,
                 std::vector<const Descriptor*>& todo) {
  json schema;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor* type = field.message_type();
      const std::string& name = type->full_name();
      if (name == "google.protobuf.Timestamp") {
        schema = {{"type", "string"}, {"format", "date-time"}};
      } else if (name == "google.protobuf.Duration") {
        schema = {{"type", "string"}, {"example", "1.5s"}};
      } else if (name == "google.protobuf.FieldMask") {
        schema = {{"type", "string"}};
      } else {
        todo.push_back(type);
        schema = SchemaRef(*type);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      schema = {{"type", "string"}};
      if (field.type() == FieldDescriptor::TYPE_BYTES) schema["format"] = "byte";
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      schema = {{"type", "boolean"}};
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      json values = json::array();
      for (int i = 0; i < field.enum_type()->value_count(); ++i) {
        values.push_back(field.enum_type()->value(i)->name());
      }
      schema = {{"type", "string"}, {"enum", values}};
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:
      schema = {{"type", "string"}, {"format", "int64"}};
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      schema = {{"type", "number"}};
      break;
    default:
      schema = {{"type", "integer"}, {"format", "int32"}};
  }
  if (field.is_repeated()) schema = {{"type", "array"}, {"items", schema}};
  return schema;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Message>> RequestFromJson(
    const MethodDescriptor& method, std::string_view body) {
  std::string text(body);
  if (absl::StripAsciiWhitespace(text).empty()) text = "{}";
  return ParseChecked(*method.input_type(), text);
}

absl::StatusOr<std::unique_ptr<Message>> RequestFromQuery(
    const MethodDescriptor& method,
    const std::multimap<std::string, std::string>& params) {
  json object = json::object();
  FieldViolations violations;
  for (const auto& [name, value] : params) {
    InsertParam(object, *method.input_type(), name, value, name, violations);
  }
  if (!violations.empty()) return violations.ToStatus();
  return ParseChecked(*method.input_type(), object.dump());
}

std::string MessageToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::string ErrorJson(const absl::Status& status) {
  json error = {{"code", HttpStatusFor(status.code())},
                {"status", absl::StatusCodeToString(status.code())},
                {"message", std::string(status.message())}};
  json details = json::array();
  google::rpc::BadRequest bad_request = GetBadRequest(status);
  if (bad_request.field_violations_size() > 0) {
    json detail = json::parse(MessageToJson(bad_request));
    detail["@type"] = TypeUrl(bad_request);
    details.push_back(detail);
  }
  google::rpc::ErrorInfo info = GetErrorInfo(status);
  if (!info.reason().empty()) {
    json detail = json::parse(MessageToJson(info));
    detail["@type"] = TypeUrl(info);
    details.push_back(detail);
  }
  error["details"] = details;
  return json{{"error", error}}.dump();
}

std::string RoutePrefix(const google::protobuf::ServiceDescriptor& service) {
  return absl::StrCat("/api/", service.full_name(), "/");
}

std::string OpenApiDocument(const std::vector<HttpRoute>& routes) {
  json paths = json::object();
  std::vector<const Descriptor*> todo;
  for (const HttpRoute& route : routes) {
    const google::protobuf::ServiceDescriptor& service = *route.service;
    for (int i = 0; i < service.method_count(); ++i) {
      const MethodDescriptor& method = *service.method(i);
      if (IsStreaming(method)) continue;
      todo.push_back(method.input_type());
      todo.push_back(method.output_type());
      json ok = {{"description", "OK"},
                 {"content",
                  {{"application/json",
                    {{"schema", SchemaRef(*method.output_type())}}}}}};
      json error = {{"description", "google.rpc.Status (error)"},
                    {"content",
                     {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
      json post = {
          {"operationId", absl::StrCat(service.name(), ".", method.name())},
          {"summary", method.full_name()},
          {"tags", json::array({service.full_name()})},
          {"requestBody",
           {{"required", true},
            {"content",
             {{"application/json",
               {{"schema", SchemaRef(*method.input_type())}}}}}}},
          {"responses", {{"200", ok}, {"400", error}, {"default", error}}}};
      json get = {
          {"operationId", absl::StrCat(service.name(), ".", method.name(), "Get")},
          {"summary", absl::StrCat(method.full_name(),
                                   " (request fields as query parameters, "
                                   "nested as a.b)")},
          {"tags", json::array({service.full_name()})},
          {"responses", {{"200", ok}, {"400", error}, {"default", error}}}};
      paths[absl::StrCat(route.prefix, method.name())] = {{"post", post},
                                                          {"get", get}};
    }
  }
  json schemas = json::object();
  while (!todo.empty()) {
    const Descriptor* message = todo.back();
    todo.pop_back();
    if (schemas.contains(message->full_name())) continue;
    json properties = json::object();
    schemas[message->full_name()] = json::object();  // mark before recursing
    for (int i = 0; i < message->field_count(); ++i) {
      const FieldDescriptor& field = *message->field(i);
      properties[field.json_name()] = FieldSchema(field, todo);
    }
    schemas[message->full_name()] = {{"type", "object"},
                                     {"properties", properties}};
  }
  json document = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "hpedu HTTP/JSON API"},
        {"version", "v1"},
        {"description",
         "Generated from the gRPC services' descriptors: proto3 canonical "
         "JSON over HTTP/1.1, with the same authorization as over gRPC. "
         "Errors are google.rpc.Status in JSON."}}},
      {"paths", paths},
      {"components",
       {{"schemas", schemas},
        {"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}},
      {"security", json::array({json{{"bearer", json::array()}}})}};
  return document.dump(2);
}

namespace {

class HttpGatewayImpl final : public HttpGateway {
 public:
  HttpGatewayImpl(HttpOptions options, std::vector<HttpRoute> routes)
      : options_(std::move(options)), routes_(std::move(routes)) {
    for (const HttpRoute& route : routes_) {
      stubs_.push_back(std::make_unique<grpc::GenericStub>(route.channel));
    }
  }

  ~HttpGatewayImpl() override { Stop(); }

  absl::Status Init() {
    const int threads = options_.threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // An answer leaves in several segments; with Nagle's algorithm the last
    // waits for the client's delayed ACK (about 40 ms on Linux).
    server_.set_tcp_nodelay(true);
    server_.set_keep_alive_timeout(
        std::max<time_t>(1, absl::ToInt64Seconds(options_.keep_alive)));
    openapi_ = OpenApiDocument(routes_);
    server_.Get("/api/openapi.json",
                [this](const httplib::Request&, httplib::Response& response) {
                  response.set_content(openapi_, "application/json");
                });
    for (size_t i = 0; i < routes_.size(); ++i) {
      auto handle = [this, i](const httplib::Request& request,
                              httplib::Response& response) {
        HandleTraced(i, request, response);
      };
      const std::string pattern =
          absl::StrCat(RegexLiteral(routes_[i].prefix), "([A-Za-z]+)");
      server_.Post(pattern, handle);
      server_.Get(pattern, handle);
    }
    if (!options_.web_dir.empty() &&
        !server_.set_mount_point("/", options_.web_dir)) {
      return absl::FailedPreconditionError(
          absl::StrCat("dashboard directory not found: ", options_.web_dir));
    }
    std::string host = options_.listen;
    int port = 0;
    if (size_t colon = host.rfind(':'); colon != std::string::npos) {
      if (!absl::SimpleAtoi(host.substr(colon + 1), &port)) port = -1;
      host = host.substr(0, colon);
    }
    if (port < 0 || host.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad HTTP address: ", options_.listen));
    }
    port_ = port == 0 ? server_.bind_to_any_port(host)
                      : (server_.bind_to_port(host, port) ? port : -1);
    if (port_ <= 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on ", options_.listen));
    }
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    return absl::OkStatus();
  }

  int port() const override { return port_; }

  void Stop() override {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Reply(httplib::Response& response, const absl::Status& status) {
    response.status = HttpStatusFor(status.code());
    response.set_content(ErrorJson(status), "application/json");
  }

  // With the tracer on, the request is a server span, a child of its
  // `traceparent` (or the root of a new trace), which the gRPC call
  // continues; without it, `traceparent` goes to the call as it came.
  void HandleTraced(size_t route, const httplib::Request& request,
                    httplib::Response& response) {
    const std::string traceparent = request.get_header_value("traceparent");
    if (!trace::Tracer::Default().enabled()) {
      return Handle(route, request, response, traceparent);
    }
    const server::TraceContext caller = server::TraceContext::Parse(traceparent);
    server::TraceContext own;
    own.trace_id = caller.trace_id.empty() ? trace::NewTraceId() : caller.trace_id;
    own.span_id = trace::NewSpanId();
    own.sampled = true;
    trace::ScopedSpan span(std::string(kTraceService), own.trace_id, own.span_id,
                           caller.span_id,
                           absl::StrCat(request.method, " ", request.path),
                           trace::SpanKind::kServer, absl::Now());
    Handle(route, request, response, own.ToTraceparent());
    const int status = response.status > 0 ? response.status : 200;
    span.SetAttribute("http.status_code", absl::StrCat(status));
    if (status >= 500) span.SetError(absl::StrCat("HTTP ", status));
  }

  void Handle(size_t route_index, const httplib::Request& request,
              httplib::Response& response, const std::string& traceparent) {
    const HttpRoute& route = routes_[route_index];
    const std::string name = request.matches[1];
    const MethodDescriptor* method = route.service->FindMethodByName(name);
    if (method == nullptr) {
      return Reply(response, absl::NotFoundError(
                                 absl::StrCat("no method ", name)));
    }
    if (IsStreaming(*method)) {
      return Reply(response,
                   absl::UnimplementedError(absl::StrCat(
                       name, ": phương thức luồng chỉ dùng qua gRPC / "
                             "streaming methods are gRPC only")));
    }
    if (route.requires_token && !request.has_header("Authorization")) {
      return Reply(response,
                   WithErrorInfo(absl::UnauthenticatedError(
                                     "Chưa xác thực: cần bearer token / "
                                     "unauthenticated: a bearer token is "
                                     "required"),
                                 "NO_IDENTITY"));
    }
    absl::StatusOr<std::unique_ptr<Message>> message =
        request.method == "POST"
            ? RequestFromJson(*method, request.body)
            : RequestFromQuery(*method,
                               std::multimap<std::string, std::string>(
                                   request.params.begin(), request.params.end()));
    if (!message.ok()) return Reply(response, message.status());

    grpc::ClientContext context;
    context.set_deadline(
        absl::ToChronoTime(absl::Now() + options_.default_deadline));
    if (!traceparent.empty()) context.AddMetadata("traceparent", traceparent);
    if (request.has_header("x-request-id")) {
      context.AddMetadata("x-request-id",
                          request.get_header_value("x-request-id"));
    }
    if (request.has_header("Authorization")) {
      context.AddMetadata("authorization",
                          request.get_header_value("Authorization"));
    }
    std::string bytes;
    (*message)->SerializeToString(&bytes);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer in(&slice, 1);
    grpc::ByteBuffer out;
    std::promise<grpc::Status> done;
    // The HTTP library's worker waits here for the gateway's answer (which
    // itself never blocks on a backend).
    stubs_[route_index]->UnaryCall(&context,
                    absl::StrCat("/", route.service->full_name(), "/", method->name()),
                    grpc::StubOptions(), &in, &out,
                    [&done](grpc::Status status) { done.set_value(status); });
    grpc::Status status = done.get_future().get();
    if (!status.ok()) return Reply(response, FromGrpcStatus(status));
    std::vector<grpc::Slice> slices;
    (void)out.Dump(&slices);
    std::string answer;
    for (const grpc::Slice& s : slices) {
      answer.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    std::unique_ptr<Message> reply = NewMessage(method->output_type());
    if (!reply->ParseFromString(answer)) {
      return Reply(response, absl::InternalError("unreadable answer"));
    }
    response.set_content(MessageToJson(*reply), "application/json");
  }

  HttpOptions options_;
  const std::vector<HttpRoute> routes_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;  // one per route
  std::string openapi_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<HttpGateway>> HttpGateway::Start(
    HttpOptions options, std::vector<HttpRoute> routes) {
  auto gateway = std::make_unique<HttpGatewayImpl>(std::move(options),
                                                   std::move(routes));
  if (absl::Status status = gateway->Init(); !status.ok()) return status;
  return gateway;
}

}  // namespace hpedu::gateway
