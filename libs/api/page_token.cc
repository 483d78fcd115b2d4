#include "libs/api/page_token.h"

#include "libs/base/string_view.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "libs/status/errors.h"

namespace hpedu::api {
namespace {

// Layout (version 1): version byte, fingerprint (8 bytes little-endian),
// key count (varint), per key its length (varint) and bytes, then the
// checksum of everything before it (8 bytes little-endian).
constexpr uint8_t kVersion = 1;
// Tokens are small; anything much larger is not ours.
constexpr size_t kMaxTokenLength = 8192;
// Salts the checksum so that it differs from a plain FNV-1a of the payload.
constexpr std::string_view kChecksumSalt = "hpedu.page_token.v1";

constexpr uint64_t kFnvOffset = 14695981039346656037ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

uint64_t Fnv1a64(std::string_view bytes, uint64_t hash = kFnvOffset) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= kFnvPrime;
  }
  return hash;
}

uint64_t Checksum(std::string_view payload) {
  return Fnv1a64(payload, Fnv1a64(kChecksumSalt));
}

void PutFixed64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>(value >> (8 * i)));
}

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Reads from the front of `in`, consuming what it reads.
bool GetFixed64(std::string_view& in, uint64_t& value) {
  if (in.size() < 8) return false;
  value = 0;
  for (int i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(in[i]))
             << (8 * i);
  }
  in.remove_prefix(8);
  return true;
}

bool GetVarint(std::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in.empty()) return false;
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

absl::Status BadToken() {
  return InvalidField("page_token",
                      "page_token không hợp lệ hoặc thuộc truy vấn khác; hãy "
                      "bắt đầu lại từ trang đầu (invalid page token, or one "
                      "from a different query)");
}

}  // namespace

std::string EncodePageToken(const PageCursor& cursor,
                            uint64_t query_fingerprint) {
  std::string payload;
  payload.push_back(static_cast<char>(kVersion));
  PutFixed64(payload, query_fingerprint);
  PutVarint(payload, cursor.keys.size());
  for (const std::string& key : cursor.keys) {
    PutVarint(payload, key.size());
    payload += key;
  }
  PutFixed64(payload, Checksum(payload));
  return absl::WebSafeBase64Escape(payload);
}

absl::StatusOr<PageCursor> DecodePageToken(std::string_view token,
                                           uint64_t query_fingerprint) {
  std::string bytes;
  if (token.empty() || token.size() > kMaxTokenLength ||
      !absl::WebSafeBase64Unescape(
          ToAbsl(token), &bytes) ||
      bytes.size() < 1 + 8 + 1 + 8) {
    return BadToken();
  }
  std::string_view payload(bytes.data(), bytes.size() - 8);
  std::string_view checksum_bytes(bytes.data() + payload.size(), 8);
  uint64_t checksum = 0;
  if (!GetFixed64(checksum_bytes, checksum) || checksum != Checksum(payload)) {
    return BadToken();
  }
  std::string_view in = payload;
  if (static_cast<uint8_t>(in.front()) != kVersion) return BadToken();
  in.remove_prefix(1);
  uint64_t fingerprint = 0;
  uint64_t count = 0;
  if (!GetFixed64(in, fingerprint) || fingerprint != query_fingerprint ||
      !GetVarint(in, count) || count > in.size()) {
    return BadToken();
  }
  PageCursor cursor;
  cursor.keys.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t length = 0;
    if (!GetVarint(in, length) || length > in.size()) return BadToken();
    cursor.keys.emplace_back(in.substr(0, length));
    in.remove_prefix(length);
  }
  if (!in.empty()) return BadToken();
  return cursor;
}

uint64_t QueryFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> filters(request.New());
  filters->CopyFrom(request);
  const google::protobuf::Descriptor* descriptor = filters->GetDescriptor();
  const google::protobuf::Reflection* reflection = filters->GetReflection();
  for (const char* paging_field : {"page_token", "page_size"}) {
    if (const google::protobuf::FieldDescriptor* field =
            descriptor->FindFieldByName(paging_field)) {
      reflection->ClearField(filters.get(), field);
    }
  }
  std::string serialized;
  {
    google::protobuf::io::StringOutputStream stream(&serialized);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    filters->SerializeToCodedStream(&coded);
  }
  uint64_t hash = Fnv1a64(descriptor->full_name());
  hash = Fnv1a64(std::string_view("\0", 1), hash);
  return Fnv1a64(serialized, hash);
}

absl::StatusOr<int> EffectivePageSize(int requested, int default_size,
                                      int max_size) {
  if (requested < 0) {
    return InvalidField("page_size", "không được âm (must not be negative)");
  }
  if (requested == 0) return default_size;
  return requested > max_size ? max_size : requested;
}

}  // namespace hpedu::api
