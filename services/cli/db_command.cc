// `hpedu db provision`: creates a service's role and schema, as the test
// fixture does, so deploy/local/up.sh and the tests provision alike (both go
// through db::ProvisionServiceSchema).
#include <iostream>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "libs/db/provision.h"
#include "services/cli/commands.h"

namespace hpedu::cli {

int RunDb(const Invocation& invocation) {
  if (invocation.args.size() != 1 || invocation.args[0] != "provision") {
    std::cerr << "hpedu db: cách dùng (usage): hpedu db provision "
                 "--superuser=<conninfo> --service=<tên> --password=<mật khẩu> "
                 "[--host=<host>]\n";
    return kExitUsage;
  }
  std::map<std::string, std::string> flags(invocation.field_flags.begin(),
                                           invocation.field_flags.end());
  for (const char* required : {"superuser", "service", "password"}) {
    if (flags[required].empty()) {
      std::cerr << "hpedu db provision: thiếu (missing) --" << required << "\n";
      return kExitUsage;
    }
  }
  absl::StatusOr<std::string> conninfo = db::ProvisionServiceSchema(
      flags["superuser"], flags["service"], flags["password"]);
  if (!conninfo.ok()) {
    std::cerr << "hpedu db provision: " << conninfo.status() << "\n";
    return kExitFailed;
  }
  // libpq takes the last value of a repeated keyword: --host lets the
  // service connect over TCP while provisioning used the socket.
  std::string result = *conninfo;
  if (!flags["host"].empty()) absl::StrAppend(&result, " host=", flags["host"]);
  std::cout << result << "\n";
  return kExitOk;
}

}  // namespace hpedu::cli
