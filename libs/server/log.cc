#include "libs/server/log.h"

#include <string_view>

#include <unistd.h>

#include <atomic>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hpedu::server {
namespace {

std::atomic<void (*)(std::string_view)> g_sink{nullptr};

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void Log(LogLevel level, std::string_view service, std::string_view message,
         nlohmann::json fields) {
  nlohmann::json line = {
      {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                                absl::UTCTimeZone())},
      {"level", std::string(LevelName(level))},
      {"service", std::string(service)},
      {"msg", std::string(message)},
  };
  if (fields.is_object()) line.update(fields);
  // Replace invalid UTF-8 rather than throw: a log line must never crash.
  std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (auto* sink = g_sink.load()) {
    sink(text);
    return;
  }
  text.push_back('\n');
  // One write(2) per line: O_APPEND-style atomicity for lines below PIPE_BUF
  // and no interleaving inside a line from stdio buffering.
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
}

void SetLogSinkForTesting(void (*sink)(std::string_view line)) {
  g_sink.store(sink);
}

}  // namespace hpedu::server
