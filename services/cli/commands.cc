#include "services/cli/commands.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"
#include "google/protobuf/wire_format_lite.h"
#include "services/cli/dynamic_client.h"
#include "services/cli/request_flags.h"
#include "services/cli/table.h"

namespace hpedu::cli {
namespace {

namespace pb = ::google::protobuf;

constexpr int kMaxPageSize = 1000;

// follow's wait before its first retry after losing the stream; it doubles
// with each retry that brings no change, up to the longest.
constexpr absl::Duration kFirstRetry = absl::Milliseconds(500);
constexpr absl::Duration kLongestRetry = absl::Seconds(10);

int Usage(const std::string& message) {
  std::cerr << "hpedu: " << message << "\n"
            << "Xem (see) `hpedu help`.\n";
  return kExitUsage;
}

int Fail(const absl::Status& status, const std::string& address = "") {
  std::cerr << FormatError(status);
  if (status.code() == absl::StatusCode::kUnavailable && !address.empty()) {
    std::cerr << "  gợi ý (hint): không kết nối được " << address
              << "; kiểm tra --addr hoặc biến HPEDU_<DỊCH VỤ>_ADDR\n";
  }
  if (status.code() == absl::StatusCode::kDeadlineExceeded) {
    std::cerr << "  gợi ý (hint): tăng --timeout hoặc HPEDU_TIMEOUT\n";
  }
  return kExitFailed;
}

// A connected client for the service that owns `method`.
struct Target {
  std::string address;
  std::unique_ptr<DynamicClient> client;
};

absl::StatusOr<Target> Connect(const pb::ServiceDescriptor& service,
                               const Invocation& invocation) {
  absl::StatusOr<std::string> address =
      ServiceAddress(ServiceKey(service.file()->package()), invocation.addr);
  if (!address.ok()) return address.status();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateChannel(*address);
  if (!channel.ok()) return channel.status();
  Target target;
  target.address = *address;
  target.client =
      std::make_unique<DynamicClient>(*std::move(channel), invocation.timeout,
                                      invocation.token);
  return target;
}

// The JSON argument of `call`: literal text, @file, or - for stdin.
absl::StatusOr<std::string> ReadJsonArgument(const std::string& argument) {
  if (argument == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  if (!argument.empty() && argument.front() == '@') {
    std::ifstream file(argument.substr(1), std::ios::binary);
    if (!file) {
      return absl::NotFoundError(
          absl::StrCat("không mở được tệp (cannot open) ", argument.substr(1)));
    }
    return std::string(std::istreambuf_iterator<char>(file), {});
  }
  return argument;
}

const pb::FieldDescriptor* FirstRepeatedMessageField(
    const pb::Descriptor& message) {
  for (int i = 0; i < message.field_count(); ++i) {
    const pb::FieldDescriptor* field = message.field(i);
    if (field->is_repeated() &&
        field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE &&
        !field->is_map()) {
      return field;
    }
  }
  return nullptr;
}

// The int64 field `name` of `type`, or nullptr (another build's protos).
const pb::FieldDescriptor* Int64Field(const pb::Descriptor& type,
                                      const std::string& name) {
  const pb::FieldDescriptor* field = type.FindFieldByName(name);
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != pb::FieldDescriptor::CPPTYPE_INT64) {
    return nullptr;
  }
  return field;
}

// The feed methods of the service with key `service_key`.
struct FeedMethods {
  const pb::MethodDescriptor* list = nullptr;   // ListChanges
  const pb::MethodDescriptor* watch = nullptr;  // WatchChanges
};

// Those of the service with key `service_key`, or nullopt. Appends the key
// of every known service with a feed to `keys`.
std::optional<FeedMethods> FindFeed(const std::string& service_key,
                                    std::vector<std::string>& keys) {
  std::optional<FeedMethods> found;
  for (const pb::ServiceDescriptor* service : KnownServices()) {
    FeedMethods feed{service->FindMethodByName("ListChanges"),
                     service->FindMethodByName("WatchChanges")};
    if (feed.list == nullptr || feed.watch == nullptr ||
        !feed.watch->server_streaming() || feed.watch->client_streaming()) {
      continue;
    }
    const std::string key = ServiceKey(service->file()->package());
    keys.push_back(key);
    if (key == service_key) found = feed;
  }
  return found;
}

// The newest sequence of the feed `list` (ListChanges) reads.
absl::StatusOr<int64_t> HeadSequence(DynamicClient& client,
                                     const pb::MethodDescriptor& list,
                                     const pb::FieldDescriptor& head) {
  absl::StatusOr<std::unique_ptr<pb::Message>> request =
      client.NewRequest(list, R"({"pageSize": 1})");
  if (!request.ok()) return request.status();
  absl::StatusOr<std::unique_ptr<pb::Message>> response =
      client.Call(list, **request);
  if (!response.ok()) return response.status();
  return (*response)->GetReflection()->GetInt64(**response, &head);
}

}  // namespace

std::string CollectionToCamel(const std::string& collection) {
  std::string out;
  bool upper = true;
  for (char c : collection) {
    if (c == '_' || c == '-') {
      upper = true;
      continue;
    }
    out.push_back(
        upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
              : c);
    upper = false;
  }
  return out;
}

int RunCall(const Invocation& invocation) {
  if (invocation.args.empty() || invocation.args.size() > 2) {
    return Usage("call cần <Service.Method> ['<json>'|@tệp|-]");
  }
  absl::StatusOr<const pb::MethodDescriptor*> method =
      FindMethod(invocation.args[0]);
  if (!method.ok()) return Usage(std::string(method.status().message()));
  const std::string json_argument =
      invocation.args.size() == 2 ? invocation.args[1] : "{}";
  absl::StatusOr<std::string> json = ReadJsonArgument(json_argument);
  if (!json.ok()) return Usage(std::string(json.status().message()));

  absl::StatusOr<Target> target = Connect(*(*method)->service(), invocation);
  if (!target.ok()) return Usage(std::string(target.status().message()));
  absl::StatusOr<std::unique_ptr<pb::Message>> request =
      target->client->NewRequest(**method, *json);
  if (!request.ok()) return Usage(std::string(request.status().message()));
  if (absl::Status status = ApplyFieldFlags(invocation.field_flags, **request);
      !status.ok()) {
    return Usage(std::string(status.message()));
  }
  absl::StatusOr<std::unique_ptr<pb::Message>> response =
      target->client->Call(**method, **request);
  if (!response.ok()) return Fail(response.status(), target->address);
  std::cout << MessageToJson(**response, /*pretty=*/true);
  return kExitOk;
}

int RunList(const Invocation& invocation) {
  if (invocation.args.size() != 1) {
    return Usage("list cần đúng một tập hợp (collection), ví dụ: units");
  }
  const std::string method_name =
      "List" + CollectionToCamel(invocation.args[0]);
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(method_name);
  if (!method.ok()) return Usage(std::string(method.status().message()));
  const pb::Descriptor& response_type = *(*method)->output_type();
  const pb::FieldDescriptor* items = FirstRepeatedMessageField(response_type);
  const pb::FieldDescriptor* next_token =
      response_type.FindFieldByName("next_page_token");
  if (items == nullptr) {
    return Usage(absl::StrCat(response_type.full_name(),
                              " không có danh sách (no repeated field)"));
  }
  if (invocation.limit.has_value() && *invocation.limit <= 0) {
    return Usage("--limit phải lớn hơn 0 (must be positive)");
  }

  absl::StatusOr<Target> target = Connect(*(*method)->service(), invocation);
  if (!target.ok()) return Usage(std::string(target.status().message()));
  std::unique_ptr<pb::Message> request = target->client->NewRequest(**method);
  if (absl::Status status = ApplyFieldFlags(invocation.field_flags, *request);
      !status.ok()) {
    return Usage(std::string(status.message()));
  }
  const pb::Descriptor& request_type = *request->GetDescriptor();
  const pb::Reflection& request_reflection = *request->GetReflection();
  const pb::FieldDescriptor* page_size =
      request_type.FindFieldByName("page_size");
  const pb::FieldDescriptor* page_token =
      request_type.FindFieldByName("page_token");

  const std::vector<const pb::FieldDescriptor*> columns =
      ChooseColumns(*items->message_type());
  std::vector<std::string> header;
  for (const pb::FieldDescriptor* column : columns) {
    header.push_back(column->name());
  }
  std::vector<std::vector<std::string>> rows;
  int count = 0;
  std::string token;
  for (;;) {
    const int remaining =
        invocation.limit.has_value() ? *invocation.limit - count : kMaxPageSize;
    if (page_size != nullptr) {
      request_reflection.SetInt32(request.get(), page_size,
                                  std::min(remaining, kMaxPageSize));
    }
    if (page_token != nullptr) {
      request_reflection.SetString(request.get(), page_token, token);
    }
    absl::StatusOr<std::unique_ptr<pb::Message>> response =
        target->client->Call(**method, *request);
    if (!response.ok()) return Fail(response.status(), target->address);
    const pb::Reflection& reflection = *(*response)->GetReflection();
    const int size = reflection.FieldSize(**response, items);
    for (int i = 0; i < size; ++i) {
      if (invocation.limit.has_value() && count >= *invocation.limit) break;
      const pb::Message& item =
          reflection.GetRepeatedMessage(**response, items, i);
      ++count;
      if (invocation.json) {
        std::cout << MessageToJson(item, /*pretty=*/false) << "\n";
        continue;
      }
      std::vector<std::string> row;
      for (const pb::FieldDescriptor* column : columns) {
        row.push_back(CellText(item, *column));
      }
      rows.push_back(std::move(row));
    }
    const std::string next = next_token == nullptr
                                 ? ""
                                 : reflection.GetString(**response, next_token);
    if (next.empty() || page_token == nullptr ||
        (invocation.limit.has_value() && count >= *invocation.limit)) {
      break;
    }
    if (next == token) {
      std::cerr << "hpedu: máy chủ trả lại cùng page_token; dừng (the server "
                   "repeated a page token; stopping)\n";
      return kExitFailed;
    }
    token = next;
  }
  if (!invocation.json) {
    std::cout << FormatTable(header, rows);
    std::cerr << count << " mục (items)\n";
  }
  return kExitOk;
}

int RunImport(const Invocation& invocation) {
  if (invocation.args.size() != 2) {
    return Usage("import cần <collection> <tệp.csv>");
  }
  const std::string method_name =
      "Import" + CollectionToCamel(invocation.args[0]);
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(method_name);
  if (!method.ok()) return Usage(std::string(method.status().message()));
  std::ifstream file(invocation.args[1], std::ios::binary);
  if (!file) {
    return Usage(
        absl::StrCat("không mở được tệp (cannot open) ", invocation.args[1]));
  }
  const std::string content(std::istreambuf_iterator<char>(file), {});

  absl::StatusOr<Target> target = Connect(*(*method)->service(), invocation);
  if (!target.ok()) return Usage(std::string(target.status().message()));
  std::unique_ptr<pb::Message> request = target->client->NewRequest(**method);
  const pb::Descriptor& request_type = *request->GetDescriptor();
  const pb::Reflection& reflection = *request->GetReflection();
  const pb::FieldDescriptor* content_field =
      request_type.FindFieldByName("csv_content");
  if (content_field == nullptr ||
      content_field->type() != pb::FieldDescriptor::TYPE_BYTES) {
    return Usage(absl::StrCat(request_type.full_name(),
                              " không có trường bytes csv_content"));
  }
  reflection.SetString(request.get(), content_field, content);
  if (invocation.dry_run) {
    const pb::FieldDescriptor* validate_only =
        request_type.FindFieldByName("validate_only");
    if (validate_only == nullptr) {
      return Usage(absl::StrCat(method_name,
                                " không hỗ trợ --dry-run (no validate_only)"));
    }
    reflection.SetBool(request.get(), validate_only, true);
  }
  if (absl::Status status = ApplyFieldFlags(invocation.field_flags, *request);
      !status.ok()) {
    return Usage(std::string(status.message()));
  }
  absl::StatusOr<std::unique_ptr<pb::Message>> response =
      target->client->Call(**method, *request);
  if (!response.ok()) {
    if (response.status().code() == absl::StatusCode::kInvalidArgument) {
      std::cerr << "Tệp bị từ chối, không có gì được ghi (the file was "
                   "rejected; nothing was written):\n";
    }
    return Fail(response.status(), target->address);
  }
  if (invocation.dry_run) {
    std::cout << "Chạy thử (dry run): tệp hợp lệ, chưa ghi gì (valid, nothing "
                 "written)\n";
  }
  // Print every field of the response, e.g. "created: 3".
  const pb::Message& result = **response;
  const pb::Descriptor& response_type = *result.GetDescriptor();
  for (int i = 0; i < response_type.field_count(); ++i) {
    const pb::FieldDescriptor* field = response_type.field(i);
    std::cout << field->name() << ": " << CellText(result, *field) << "\n";
  }
  return kExitOk;
}

int RunHealth(const Invocation& invocation) {
  if (invocation.args.size() > 1) {
    return Usage("health [<dịch vụ, ví dụ registry>] [--addr=] [--service=]");
  }
  const std::string key =
      invocation.args.empty() ? "registry" : invocation.args[0];
  absl::StatusOr<std::string> address = ServiceAddress(key, invocation.addr);
  if (!address.ok()) return Usage(std::string(address.status().message()));
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      CreateChannel(*address);
  if (!channel.ok()) return Usage(std::string(channel.status().message()));
  DynamicClient client(*std::move(channel), invocation.timeout,
                       invocation.token);

  // grpc.health.v1.HealthCheckRequest{service = 1}, encoded by hand: the
  // health protos are not part of the compiled-in set.
  std::string request;
  if (!invocation.health_service.empty()) {
    // The stream flushes into `request` when this block ends.
    pb::io::StringOutputStream stream(&request);
    pb::io::CodedOutputStream coded(&stream);
    coded.WriteTag(0x0A);  // Field 1, length-delimited.
    coded.WriteVarint32(
        static_cast<uint32_t>(invocation.health_service.size()));
    coded.WriteString(invocation.health_service);
  }
  absl::StatusOr<std::string> response =
      client.CallRaw("/grpc.health.v1.Health/Check", request);
  if (!response.ok()) return Fail(response.status(), *address);
  // HealthCheckResponse{ServingStatus status = 1}.
  uint32_t status = 0;
  pb::io::CodedInputStream input(
      reinterpret_cast<const uint8_t*>(response->data()),
      static_cast<int>(response->size()));
  for (uint32_t tag = input.ReadTag(); tag != 0; tag = input.ReadTag()) {
    if (tag == 0x08) {
      input.ReadVarint32(&status);
    } else if (!pb::internal::WireFormatLite::SkipField(&input, tag)) {
      break;
    }
  }
  static constexpr const char* kNames[] = {"UNKNOWN", "SERVING", "NOT_SERVING",
                                           "SERVICE_UNKNOWN"};
  std::cout << (status < 4 ? kNames[status] : "UNKNOWN") << "\n";
  return status == 1 ? kExitOk : kExitFailed;
}

int RunFollow(const Invocation& invocation) {
  std::vector<std::string> keys;
  std::optional<FeedMethods> feed;
  if (invocation.args.size() == 1) feed = FindFeed(invocation.args[0], keys);
  if (!feed.has_value()) {
    if (keys.empty()) FindFeed("", keys);
    return Usage(absl::StrCat(
        "follow cần đúng một dịch vụ có luồng thay đổi (a service with a "
        "change feed): ",
        absl::StrJoin(keys, ", ")));
  }
  if (invocation.after.has_value() && *invocation.after < 0) {
    return Usage("--after cần số không âm (non-negative number)");
  }
  if (invocation.limit.has_value() && *invocation.limit <= 0) {
    return Usage("--limit phải lớn hơn 0 (must be positive)");
  }
  const pb::FieldDescriptor* head_field =
      Int64Field(*feed->list->output_type(), "head_sequence");
  const pb::FieldDescriptor* after_field =
      Int64Field(*feed->watch->input_type(), "after_sequence");
  const pb::FieldDescriptor* sequence_field =
      Int64Field(*feed->watch->output_type(), "sequence");
  if (head_field == nullptr || after_field == nullptr ||
      sequence_field == nullptr) {
    return Usage(absl::StrCat(feed->watch->full_name(),
                              " không theo hpedu.feed.v1 (not a change feed)"));
  }
  absl::StatusOr<Target> target = Connect(*feed->watch->service(), invocation);
  if (!target.ok()) return Usage(std::string(target.status().message()));
  DynamicClient& client = *target->client;
  const std::string& service_key = invocation.args[0];

  // Where to resume: the last sequence printed, else the start asked for;
  // unset until the head is known when following from now.
  std::optional<int64_t> after = invocation.after;
  auto announce = [&service_key](int64_t start) {
    std::cerr << "hpedu: theo dõi " << service_key << " sau thay đổi số "
              << start << " (following " << service_key << " after change "
              << start << ")\n";
  };
  if (after.has_value()) announce(*after);
  int printed = 0;
  absl::Duration retry = kFirstRetry;
  for (;;) {
    absl::Status status;
    if (!after.has_value()) {
      absl::StatusOr<int64_t> head =
          HeadSequence(client, *feed->list, *head_field);
      if (head.ok()) {
        after = *head;
        announce(*after);
      } else {
        status = head.status();
      }
    }
    bool done = false;
    if (after.has_value()) {
      std::unique_ptr<pb::Message> request = client.NewRequest(*feed->watch);
      request->GetReflection()->SetInt64(request.get(), after_field, *after);
      status =
          client.Stream(*feed->watch, *request, [&](const pb::Message& change) {
            std::cout << MessageToJson(change, /*pretty=*/false) << std::endl;
            after = change.GetReflection()->GetInt64(change, sequence_field);
            retry = kFirstRetry;
            ++printed;
            done = invocation.limit.has_value() && printed >= *invocation.limit;
            return !done;
          });
      if (done) return kExitOk;
    }
    // The stream ends by itself (OK) only if the server closes it early;
    // resume as after a disconnection.
    if (!status.ok() && status.code() != absl::StatusCode::kUnavailable) {
      return Fail(status, target->address);
    }
    const std::string wait = absl::FormatDuration(retry);
    std::cerr << "hpedu: mất kết nối tới " << target->address
              << ", thử lại sau " << wait << " (disconnected from "
              << target->address << ", retrying in " << wait << ")\n";
    absl::SleepFor(retry);
    retry = std::min(retry * 2, kLongestRetry);
  }
}

int RunMethods(const Invocation& invocation) {
  if (!invocation.args.empty()) return Usage("methods không nhận đối số");
  for (const std::string& file : ServiceFilesNotCompiledIn()) {
    std::cerr << "hpedu: " << file << " is not compiled in (build error)\n";
  }
  for (const pb::ServiceDescriptor* service : KnownServices()) {
    const std::string key = ServiceKey(service->file()->package());
    absl::StatusOr<std::string> address = ServiceAddress(key, invocation.addr);
    std::cout << service->full_name() << "  ["
              << (address.ok() ? *address : "?") << "]\n";
    for (int i = 0; i < service->method_count(); ++i) {
      const pb::MethodDescriptor* method = service->method(i);
      std::cout << "  " << method->name() << "(" << method->input_type()->name()
                << ") → " << method->output_type()->name() << "\n";
    }
  }
  return kExitOk;
}

int RunDescribe(const Invocation& invocation) {
  if (invocation.args.size() != 1) {
    return Usage("describe cần tên message, enum, dịch vụ hoặc phương thức");
  }
  const std::string& name = invocation.args[0];
  const pb::DescriptorPool& pool = *pb::DescriptorPool::generated_pool();
  if (const pb::Descriptor* message = FindMessage(name)) {
    std::cout << "// " << message->full_name() << " ("
              << message->file()->name() << ")\n"
              << message->DebugString();
    return kExitOk;
  }
  if (const pb::EnumDescriptor* type = pool.FindEnumTypeByName(name)) {
    std::cout << type->DebugString();
    return kExitOk;
  }
  for (const pb::ServiceDescriptor* service : KnownServices()) {
    if (service->full_name() == name || service->name() == name) {
      std::cout << service->DebugString();
      return kExitOk;
    }
  }
  absl::StatusOr<const pb::MethodDescriptor*> method = FindMethod(name);
  if (!method.ok()) return Usage(std::string(method.status().message()));
  std::cout << "// " << (*method)->full_name() << "\n"
            << (*method)->DebugString() << "\n"
            << (*method)->input_type()->DebugString() << "\n"
            << (*method)->output_type()->DebugString();
  return kExitOk;
}

}  // namespace hpedu::cli
