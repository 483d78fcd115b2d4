// hpedu: the command-line client of the hpedu suite. Argument parsing and
// dispatch only; the commands live in commands.cc.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "services/cli/commands.h"

namespace {

using ::hpedu::cli::Invocation;

struct Command {
  std::string_view name;
  int (*run)(const Invocation&);
  std::string_view usage;
};

// Every subcommand.
constexpr Command kCommands[] = {
    {"call", &hpedu::cli::RunCall,
     "call <Dịch vụ.Phương thức> ['<json>'|@tệp|-] [--trường=giá trị ...]\n"
     "      Gọi một phương thức, in JSON kết quả.\n"
     "      [Call a method with a JSON request; print the JSON response.]"},
    {"list", &hpedu::cli::RunList,
     "list <tập hợp> [--trường=giá trị ...] [--limit=N] [--json]\n"
     "      Liệt kê mọi trang của List<Tập hợp> thành bảng.\n"
     "      [List every page of List<Collection> as a table, or JSON lines.]\n"
     "      ví dụ: hpedu list units --kind=WARD --as_of=2026-01-01 "
     "--query=\"do son\""},
    {"import", &hpedu::cli::RunImport,
     "import <tập hợp> <tệp.csv> [--dry-run]\n"
     "      Nhập tệp CSV qua Import<Tập hợp>; --dry-run chỉ kiểm tra.\n"
     "      [Import a CSV file; --dry-run only validates it.]"},
    {"health", &hpedu::cli::RunHealth,
     "health [<dịch vụ>] [--service=tên]\n"
     "      Kiểm tra grpc.health.v1: in SERVING hoặc NOT_SERVING.\n"
     "      [Health check; exit 0 only when SERVING. Default: registry.]"},
    {"follow", &hpedu::cli::RunFollow,
     "follow <dịch vụ> [--after=N] [--limit=N]\n"
     "      Theo dõi luồng thay đổi (WatchChanges) của dịch vụ: mỗi thay đổi\n"
     "      một dòng JSON, từ bây giờ; --after=0 từ thay đổi cũ nhất còn giữ,\n"
     "      --after=N sau thay đổi số N. Mất kết nối thì tự nối lại.\n"
     "      [Follow a service's change feed: one JSON line per change, from\n"
     "      now, after N, or the oldest kept (0); reconnects after the last\n"
     "      change printed. --limit=N stops after N changes.]\n"
     "      ví dụ: hpedu follow plans --after=0 | jq -c '{sequence, "
     "resource}'"},
    {"methods", &hpedu::cli::RunMethods,
     "methods\n"
     "      Liệt kê các dịch vụ và phương thức đã biết.\n"
     "      [List every known service and method.]"},
    {"db", &hpedu::cli::RunDb,
     "db provision --superuser=<conninfo> --service=<tên> --password=<mk> "
     "[--host=h]\n"
     "      Tạo vai trò và schema riêng cho một dịch vụ; in chuỗi kết nối.\n"
     "      [Create a service's role and schema; print its conninfo.]"},
    {"token", &hpedu::cli::RunToken,
     "token --role=<vai trò> [--unit=units/<id>] [--sub=<mã>] [--ttl=8h]\n"
     "      Tạo token dùng thử, ký bằng khoá cục bộ (HPEDU_TOKEN_KEY); đặt\n"
     "      HPEDU_TOKEN=<token> để gọi các dịch vụ với vai trò đó.\n"
     "      [Mint a local bearer token; HPEDU_TOKEN sends it with calls.]"},
    {"describe", &hpedu::cli::RunDescribe,
     "describe <Message|Enum|Dịch vụ|Phương thức>\n"
     "      In định nghĩa proto. [Print the proto definition.]"},
};

void PrintHelp() {
  std::cout << "hpedu — công cụ dòng lệnh của hệ thống Sở GD&ĐT Hải Phòng\n"
               "[the command-line client of the hpedu services]\n\n"
               "Cách dùng (usage): hpedu <lệnh> [đối số] [--tùy chọn]\n\n"
               "Lệnh (commands):\n";
  for (const Command& command : kCommands) {
    std::cout << "  " << command.usage << "\n";
  }
  std::cout
      << "  help\n      In hướng dẫn này. [Print this help.]\n\n"
         "Tùy chọn chung (common options):\n"
         "  --addr=host:port   địa chỉ máy chủ; mặc định lấy từ "
         "HPEDU_<DỊCH VỤ>_ADDR\n"
         "                     (HPEDU_REGISTRY_ADDR...) rồi cổng mặc định: "
         "gateway 50050,\n"
         "                     registry 50051, plans 50052, indicators "
         "50053,\n"
         "                     staffing 50054, budget 50055 trên localhost\n"
         "                     [server address; else the env var, else the "
         "default port]\n"
         "  --timeout=10s      thời hạn mỗi lệnh gọi, hoặc HPEDU_TIMEOUT "
         "[per-call deadline]\n\n"
         "Mã thoát (exit codes): 0 thành công [ok], 1 lệnh gọi lỗi [call "
         "failed],\n"
         "  2 sai cách dùng [usage error]. Lỗi in ra stderr kèm chi tiết "
         "(từng trường sai).\n";
}

// "10s", "1m30s", or a number of seconds.
bool ParseTimeout(const std::string& text, absl::Duration& out) {
  if (absl::ParseDuration(text, &out) && out > absl::ZeroDuration()) {
    return true;
  }
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds) && seconds > 0) {
    out = absl::Seconds(seconds);
    return true;
  }
  return false;
}

int Usage(const std::string& message) {
  std::cerr << "hpedu: " << message << "\nXem (see) `hpedu help`.\n";
  return hpedu::cli::kExitUsage;
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// gRPC's c-ares DNS resolver leaves a few bytes allocated at exit when the
// process ends before gRPC's asynchronous shutdown finishes; not ours.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libcares.so\n";
}
extern "C" const char* __lsan_default_options() {
  return "print_suppressions=0";
}
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintHelp();
    return hpedu::cli::kExitUsage;
  }
  const std::string command_name = argv[1];
  if (command_name == "help" || command_name == "--help" ||
      command_name == "-h") {
    PrintHelp();
    return hpedu::cli::kExitOk;
  }

  Invocation invocation;
  if (const char* token = std::getenv("HPEDU_TOKEN"); token != nullptr) {
    invocation.token = token;
  }
  if (const char* timeout = std::getenv("HPEDU_TIMEOUT");
      timeout != nullptr && *timeout != '\0' &&
      !ParseTimeout(timeout, invocation.timeout)) {
    return Usage(std::string("HPEDU_TIMEOUT không hợp lệ (invalid): ") +
                 timeout);
  }
  bool only_positional = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (only_positional || arg.size() < 3 || arg.substr(0, 2) != "--") {
      invocation.args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    const size_t equals = arg.find('=');
    const std::string name = arg.substr(2, equals - 2);
    const bool has_value = equals != std::string::npos;
    const std::string value = has_value ? arg.substr(equals + 1) : "true";
    if (name == "addr") {
      invocation.addr = value;
    } else if (name == "timeout") {
      if (!ParseTimeout(value, invocation.timeout)) {
        return Usage("--timeout không hợp lệ, ví dụ 10s (invalid): " + value);
      }
    } else if (name == "json" && !has_value) {
      invocation.json = true;
    } else if (name == "dry-run" || name == "dry_run") {
      invocation.dry_run = true;
    } else if (name == "limit") {
      int limit = 0;
      if (!absl::SimpleAtoi(value, &limit) || limit <= 0) {
        return Usage("--limit cần số dương (positive number): " + value);
      }
      invocation.limit = limit;
    } else if (name == "after" && command_name == "follow") {
      int64_t after = 0;
      if (!absl::SimpleAtoi(value, &after) || after < 0) {
        return Usage("--after cần số không âm (non-negative number): " + value);
      }
      invocation.after = after;
    } else if (name == "service" && command_name == "health") {
      invocation.health_service = value;
    } else if (name == "help") {
      PrintHelp();
      return hpedu::cli::kExitOk;
    } else {
      invocation.field_flags.emplace_back(name, value);
    }
  }

  for (const Command& command : kCommands) {
    if (command.name == command_name) {
      if (!invocation.field_flags.empty() && command_name != "call" &&
          command_name != "list" && command_name != "import" &&
          command_name != "db" && command_name != "token") {
        return Usage("tùy chọn không hợp lệ (unknown option) --" +
                     invocation.field_flags.front().first);
      }
      return command.run(invocation);
    }
  }
  return Usage("không có lệnh (unknown command) \"" + command_name + "\"");
}
