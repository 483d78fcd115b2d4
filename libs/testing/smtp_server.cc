// SmtpServer: aiosmtpd with its Mailbox handler, started with fork/exec;
// ParseEmail and DecodeEncodedWords read what it stored.
#include "libs/testing/smtp_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "libs/status/status_macros.h"

#ifndef HPEDU_PYTHON3
#error "HPEDU_PYTHON3 must name the Python that has aiosmtpd"
#endif

namespace hpedu::testing {
namespace {

constexpr char kPython[] = HPEDU_PYTHON3;
constexpr absl::Duration kStartTimeout = absl::Seconds(10);
constexpr absl::Duration kStopTimeout = absl::Seconds(5);
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Tail(const std::string& text, size_t bytes = 4000) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

// A TCP port on 127.0.0.1 that was free a moment ago.
absl::StatusOr<int> FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    close(fd);
    return absl::InternalError(
        absl::StrCat("binding 127.0.0.1:0: ", std::strerror(error)));
  }
  close(fd);
  return ntohs(address.sin_port);
}

bool AcceptsConnections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool connected =
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

// Waits for `pid` to exit, at most `timeout`; true once it is reaped.
bool Reap(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const pid_t reaped = waitpid(pid, nullptr, WNOHANG);
    if (reaped == pid || (reaped < 0 && errno == ECHILD)) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

// One RFC 2047 encoded-word starting at `value[start]` ("=?"): its decoded
// text and length, or nothing if it is not one we can decode.
std::optional<std::pair<std::string, size_t>> DecodeWordAt(
    absl::string_view value, size_t start) {
  const size_t charset_end = value.find('?', start + 2);
  if (charset_end == absl::string_view::npos ||
      charset_end + 2 >= value.size() || value[charset_end + 2] != '?') {
    return std::nullopt;
  }
  const size_t text_start = charset_end + 3;
  const size_t text_end = value.find("?=", text_start);
  if (text_end == absl::string_view::npos) return std::nullopt;
  absl::string_view charset = value.substr(start + 2, charset_end - start - 2);
  charset = charset.substr(0, charset.find('*'));  // RFC 2231 language
  const std::string lower_charset = absl::AsciiStrToLower(charset);
  if (lower_charset != "utf-8" && lower_charset != "us-ascii") {
    return std::nullopt;
  }
  const absl::string_view text =
      value.substr(text_start, text_end - text_start);
  if (absl::StrContains(text, ' ')) return std::nullopt;
  std::string decoded;
  switch (
      absl::ascii_toupper(static_cast<unsigned char>(value[charset_end + 1]))) {
    case 'B':
      if (!absl::Base64Unescape(text, &decoded)) return std::nullopt;
      break;
    case 'Q':
      for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_') {
          decoded += ' ';
        } else if (text[i] == '=' && i + 2 < text.size() &&
                   absl::ascii_isxdigit(
                       static_cast<unsigned char>(text[i + 1])) &&
                   absl::ascii_isxdigit(
                       static_cast<unsigned char>(text[i + 2]))) {
          decoded += absl::HexStringToBytes(text.substr(i + 1, 2));
          i += 2;
        } else {
          decoded += text[i];
        }
      }
      break;
    default:
      return std::nullopt;
  }
  return std::make_pair(std::move(decoded), text_end + 2 - start);
}

// Where a Maildir file sorts: by the time in its name
// ("<seconds>.M<microseconds>P<pid>Q<n>.<host>"), then by name.
std::tuple<int64_t, int64_t, std::string> DeliveryOrder(std::string name) {
  int64_t seconds = 0;
  int64_t micros = 0;
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '.');
  if (parts.size() >= 2 && absl::SimpleAtoi(parts[0], &seconds) &&
      absl::StartsWith(parts[1], "M")) {
    absl::string_view rest = parts[1].substr(1);
    if (!absl::SimpleAtoi(rest.substr(0, rest.find('P')), &micros)) micros = 0;
  }
  return {seconds, micros, std::move(name)};
}

}  // namespace

std::string DecodeEncodedWords(absl::string_view value) {
  std::string decoded;
  std::string pending_space;  // whitespace not yet copied
  bool after_word = false;    // the last token was an encoded-word
  size_t i = 0;
  while (i < value.size()) {
    if (absl::StartsWith(value.substr(i), "=?")) {
      if (auto word = DecodeWordAt(value, i)) {
        // Whitespace between two encoded-words is not part of the text.
        if (!after_word) decoded += pending_space;
        pending_space.clear();
        decoded += word->first;
        i += word->second;
        after_word = true;
        continue;
      }
    }
    if (value[i] == ' ' || value[i] == '\t') {
      pending_space += value[i++];
      continue;
    }
    decoded += pending_space;
    pending_space.clear();
    decoded += value[i++];
    after_word = false;
  }
  return decoded + pending_space;
}

absl::StatusOr<ReceivedEmail> ParseEmail(absl::string_view message) {
  ReceivedEmail email;
  std::vector<absl::string_view> lines = absl::StrSplit(message, '\n');
  size_t line = 0;
  bool blank_line = false;
  for (; line < lines.size(); ++line) {
    absl::string_view text = absl::StripSuffix(lines[line], "\r");
    if (text.empty()) {
      blank_line = true;
      ++line;
      break;
    }
    if (text[0] == ' ' || text[0] == '\t') {
      if (email.headers.empty()) {
        return absl::InvalidArgumentError("a continuation line comes first");
      }
      absl::StrAppend(&email.headers.back().second, text);
      continue;
    }
    const size_t colon = text.find(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("header line without ':': ", text));
    }
    email.headers.emplace_back(
        std::string(text.substr(0, colon)),
        std::string(absl::StripLeadingAsciiWhitespace(text.substr(colon + 1))));
  }
  if (!blank_line) {
    return absl::InvalidArgumentError("no blank line after the headers");
  }

  bool base64 = false;
  for (const auto& [name, value] : email.headers) {
    const std::string field = absl::AsciiStrToLower(name);
    if (field == "from") email.from = DecodeEncodedWords(value);
    if (field == "to") email.to = value;
    if (field == "subject") email.subject = DecodeEncodedWords(value);
    if (field == "message-id") email.message_id = value;
    if (field == "date") email.date = value;
    if (field == "x-mailfrom") email.mail_from = value;
    if (field == "x-rcptto") email.rcpt_to = value;
    if (field == "content-transfer-encoding") {
      base64 =
          absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(value), "base64");
    }
  }

  std::string body = absl::StrJoin(lines.begin() + line, lines.end(), "\n");
  if (base64) {
    body.erase(std::remove_if(body.begin(), body.end(),
                              [](char c) {
                                return absl::ascii_isspace(
                                    static_cast<unsigned char>(c));
                              }),
               body.end());
    std::string decoded;
    if (!absl::Base64Unescape(body, &decoded)) {
      return absl::InvalidArgumentError("the base64 body does not decode");
    }
    body = std::move(decoded);
  }
  email.text = absl::StrReplaceAll(body, {{"\r\n", "\n"}});
  return email;
}

absl::StatusOr<std::unique_ptr<SmtpServer>> SmtpServer::Start(
    int64_t max_message_bytes) {
  char pattern[] = "/tmp/hpedu-smtp-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  // Owned from here on: the destructor removes the directory.
  std::unique_ptr<SmtpServer> server(
      new SmtpServer(pattern, max_message_bytes));
  // The port was free when we looked; another process may take it before
  // the server binds it, so try a few.
  absl::Status launched;
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSIGN_OR_RETURN(server->port_, FreePort());
    launched = server->Launch();
    if (launched.ok()) break;
  }
  RETURN_IF_ERROR(launched);
  return server;
}

SmtpServer::~SmtpServer() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Reap(pid_, kStopTimeout);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string SmtpServer::url() const {
  return absl::StrCat("smtp://127.0.0.1:", port_);
}

absl::Status SmtpServer::Launch() {
  // -I: none of the environment's PYTHON* variables or user site; -u: the
  // log is written as it happens.
  std::vector<std::string> argv = {
      kPython,    "-I", "-u", "-m",
      "aiosmtpd", "-n", "-l", absl::StrCat("127.0.0.1:", port_)};
  if (max_message_bytes_ > 0) {
    argv.insert(argv.end(), {"-s", absl::StrCat(max_message_bytes_)});
  }
  argv.insert(argv.end(), {"-c", "aiosmtpd.handlers.Mailbox", MaildirPath()});
  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  const std::string log_path = LogPath();
  const int output =
      open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  const int input = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (output < 0 || input < 0) {
    const int error = errno;
    if (output >= 0) close(output);
    if (input >= 0) close(input);
    return absl::InternalError(
        absl::StrCat("cannot open ", log_path, ": ", std::strerror(error)));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // Only async-signal-safe calls until exec.
    if (dup2(input, 0) < 0 || dup2(output, 1) < 0 || dup2(output, 2) < 0) {
      _exit(126);
    }
    // No orphaned server if the test binary dies without cleaning up.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
      _exit(126);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  close(output);
  close(input);
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  pid_ = pid;

  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (!AcceptsConnections(port_)) {
    int wait_status = 0;
    if (waitpid(pid_, &wait_status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(
          absl::StrCat(absl::StrJoin(argv, " "), " exited (wait status ",
                       wait_status, "):\n", Tail(ReadFile(log_path))));
    }
    if (absl::Now() >= deadline) {
      kill(pid_, SIGKILL);
      Reap(pid_, kStopTimeout);
      pid_ = -1;
      return absl::UnavailableError(absl::StrCat(
          absl::StrJoin(argv, " "), " does not accept connections after ",
          absl::FormatDuration(kStartTimeout), ":\n",
          Tail(ReadFile(log_path))));
    }
    absl::SleepFor(kPollInterval);
  }
  return absl::OkStatus();
}

absl::Status SmtpServer::Stop() {
  if (pid_ < 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  if (!Reap(pid_, kStopTimeout)) {
    kill(pid_, SIGKILL);
    if (!Reap(pid_, kStopTimeout)) {
      return absl::InternalError(
          absl::StrCat("aiosmtpd (pid ", pid_, ") does not exit"));
    }
  }
  pid_ = -1;
  return absl::OkStatus();
}

absl::Status SmtpServer::Restart() {
  RETURN_IF_ERROR(Stop());
  return Launch();
}

absl::StatusOr<std::vector<ReceivedEmail>> SmtpServer::Received() const {
  std::vector<std::pair<std::tuple<int64_t, int64_t, std::string>,
                        std::filesystem::path>>
      files;
  for (const char* folder : {"new", "cur"}) {
    const std::filesystem::path path =
        std::filesystem::path(MaildirPath()) / folder;
    std::error_code error;
    std::filesystem::directory_iterator entries(path, error);
    if (error) {
      if (error == std::errc::no_such_file_or_directory) continue;
      return absl::InternalError(
          absl::StrCat("listing ", path.string(), ": ", error.message()));
    }
    for (const std::filesystem::directory_entry& entry : entries) {
      if (entry.is_regular_file()) {
        files.emplace_back(DeliveryOrder(entry.path().filename().string()),
                           entry.path());
      }
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<ReceivedEmail> emails;
  for (const auto& [order, path] : files) {
    absl::StatusOr<ReceivedEmail> email = ParseEmail(ReadFile(path.string()));
    if (!email.ok()) {
      return absl::Status(
          email.status().code(),
          absl::StrCat(path.string(), ": ", email.status().message()));
    }
    emails.push_back(*std::move(email));
  }
  return emails;
}

absl::StatusOr<std::vector<ReceivedEmail>> SmtpServer::WaitFor(
    size_t count, absl::Duration timeout) const {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<ReceivedEmail> emails, Received());
    if (emails.size() >= count) return emails;
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("the SMTP server holds ", emails.size(), " of ", count,
                       " emails after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(kPollInterval);
  }
}

}  // namespace hpedu::testing
