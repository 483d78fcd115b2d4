// Structured logs: one JSON object per line on stderr, so operators can
// filter with jq and ship with any collector. Thread-safe; a line is
// written with a single write, so lines from different threads never mix.
//
//   Log(LogLevel::kInfo, "registry", "listening", {{"address", "0.0.0.0:50051"}});
#ifndef HPEDU_LIBS_SERVER_LOG_H_
#define HPEDU_LIBS_SERVER_LOG_H_

#include <string_view>
#include <string_view>

#include "nlohmann/json.hpp"

namespace hpedu::server {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Writes {"time": RFC 3339 UTC, "level", "service", "msg", ...fields}.
void Log(LogLevel level, std::string_view service, std::string_view message,
         nlohmann::json fields = nlohmann::json::object());

// Sends log lines to `sink` instead of stderr (tests); null restores stderr.
// The sink is called with one complete line, without the newline.
void SetLogSinkForTesting(void (*sink)(std::string_view line));

}  // namespace hpedu::server

#endif  // HPEDU_LIBS_SERVER_LOG_H_
