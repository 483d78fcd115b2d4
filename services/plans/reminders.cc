#include "services/plans/reminders.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "libs/api/dates.h"
#include "libs/base/string_view.h"
#include "nlohmann/json.hpp"
#include "services/plans/deadlines.h"

namespace hpedu::plans {
namespace {

// "15/06/2026".
std::string VietnameseDate(absl::CivilDay day) {
  return absl::StrFormat("%02d/%02d/%04d", day.day(), day.month(), day.year());
}

void Sort(std::vector<DigestItem>& items) {
  std::sort(items.begin(), items.end(),
            [](const DigestItem& a, const DigestItem& b) {
              return std::tie(b.days_overdue, a.due, a.subject) <
                     std::tie(a.days_overdue, b.due, b.subject);
            });
}

// The dashboard's pages for tasks and for periodic reports.
std::string TasksLink(std::string_view dashboard_url) {
  return absl::StrCat(ToAbsl(dashboard_url), "#/nhiem-vu");
}
std::string ReportsLink(std::string_view dashboard_url) {
  return absl::StrCat(ToAbsl(dashboard_url), "#/bao-cao-dinh-ky");
}

// "quá hạn 3 ngày", "đến hạn hôm nay", "còn 5 ngày".
std::string WhenText(int days_overdue) {
  if (days_overdue > 0) return absl::StrCat("quá hạn ", days_overdue, " ngày");
  if (days_overdue == 0) return "đến hạn hôm nay";
  return absl::StrCat("còn ", -days_overdue, " ngày");
}

void AppendSection(std::string& text, std::string_view heading,
                   const std::vector<DigestItem>& items, bool tasks,
                   std::string_view link) {
  if (items.empty()) return;
  absl::StrAppend(&text, "\n", ToAbsl(heading), " (", items.size(), "):\n");
  for (const DigestItem& item : items) {
    absl::StrAppend(&text, "- ", item.title, "\n  Hạn ",
                    VietnameseDate(item.due), ", ",
                    WhenText(item.days_overdue));
    if (tasks) absl::StrAppend(&text, ", tiến độ ", item.progress_percent, "%");
    absl::StrAppend(&text, "\n");
  }
  absl::StrAppend(&text, "  Xem: ", ToAbsl(link), "\n");
}

nlohmann::json ItemsJson(const std::vector<DigestItem>& items, bool tasks,
                         const std::string& link) {
  nlohmann::json list = nlohmann::json::array();
  for (const DigestItem& item : items) {
    nlohmann::json entry = {{"name", item.subject},
                            {"title", item.title},
                            {"dueDate", api::FormatIsoDate(item.due)},
                            {"daysOverdue", item.days_overdue},
                            {"link", link}};
    if (tasks) entry["progressPercent"] = item.progress_percent;
    list.push_back(std::move(entry));
  }
  return list;
}

}  // namespace

std::map<std::string, Digest> BuildDigests(
    const std::vector<ChasingCandidate>& candidates,
    const std::vector<CycleReports>& cycles, absl::CivilDay as_of) {
  std::map<std::string, Digest> digests;
  auto digest_of = [&digests](const std::string& unit) -> Digest& {
    Digest& digest = digests[unit];
    digest.unit = unit;
    return digest;
  };
  for (const ChasingCandidate& candidate : candidates) {
    const Deadline deadline =
        EvaluateDeadline(candidate.facts, as_of, kDigestWindowDays);
    if (!deadline.due || (deadline.status != DeadlineStatus::kOverdue &&
                          deadline.status != DeadlineStatus::kDueSoon)) {
      continue;
    }
    Digest& digest = digest_of(candidate.commune.empty() ? candidate.lead_agency
                                                         : candidate.commune);
    (deadline.status == DeadlineStatus::kOverdue ? digest.late_tasks
                                                 : digest.due_tasks)
        .push_back(DigestItem{.subject = candidate.task,
                              .title = candidate.content,
                              .due = *deadline.due,
                              .days_overdue = deadline.days_overdue,
                              .progress_percent = candidate.progress_percent});
  }
  for (const CycleReports& reports : cycles) {
    const v1::ReportCycle& cycle = reports.stored.cycle;
    const std::vector<std::string> units(cycle.reporting_units().begin(),
                                         cycle.reporting_units().end());
    for (const UnitSubmission& entry :
         TrackSubmissions(reports.stored.spec, units, reports.submitted, as_of,
                          kDigestWindowDays)) {
      if (entry.state != SubmissionState::kMissing &&
          entry.state != SubmissionState::kPending) {
        continue;
      }
      Digest& digest = digest_of(entry.unit);
      (entry.state == SubmissionState::kMissing ? digest.missing_reports
                                                : digest.due_reports)
          .push_back(
              DigestItem{.subject = cycle.name(),
                         .title = cycle.title(),
                         .due = entry.due,
                         .days_overdue = static_cast<int>(as_of - entry.due)});
    }
  }
  for (auto& [unit, digest] : digests) {
    Sort(digest.late_tasks);
    Sort(digest.due_tasks);
    Sort(digest.missing_reports);
    Sort(digest.due_reports);
  }
  return digests;
}

std::string ReminderName(std::string_view unit, absl::CivilDay day,
                         v1::ReminderChannel channel) {
  return absl::StrCat(ToAbsl(unit), "/reminders/", api::FormatIsoDate(day), "~",
                      channel == v1::WEBHOOK ? "webhook" : "email");
}

bool ShouldRemind(const Digest& digest, absl::CivilDay as_of) {
  const bool monday = absl::GetWeekday(as_of) == absl::Weekday::monday;
  for (const auto* items : {&digest.late_tasks, &digest.due_tasks,
                            &digest.missing_reports, &digest.due_reports}) {
    for (const DigestItem& item : *items) {
      switch (item.days_overdue) {
        case -7:
        case -1:
        case 0:
        case 1:
          return true;
        default:
          if (monday && item.days_overdue > 0) return true;
      }
    }
  }
  return false;
}

RenderedDigest RenderDigest(const Digest& digest, std::string_view reminder,
                            std::string_view unit_title,
                            std::string_view dashboard_url,
                            absl::CivilDay as_of) {
  std::vector<std::string> counts;
  auto count = [&counts](const std::vector<DigestItem>& items,
                         std::string_view what) {
    if (!items.empty())
      counts.push_back(absl::StrCat(items.size(), " ", ToAbsl(what)));
  };
  count(digest.late_tasks, "nhiệm vụ quá hạn");
  count(digest.due_tasks, "nhiệm vụ sắp đến hạn");
  count(digest.missing_reports, "báo cáo chưa nộp");
  count(digest.due_reports, "báo cáo sắp đến hạn");

  RenderedDigest rendered;
  rendered.subject = absl::StrCat("Nhắc việc: ", absl::StrJoin(counts, ", "));
  const std::string tasks_link = TasksLink(dashboard_url);
  const std::string reports_link = ReportsLink(dashboard_url);
  const std::string chasing_link =
      absl::StrCat(ToAbsl(dashboard_url), "#/don-doc");
  std::string& text = rendered.text;
  absl::StrAppend(&text, "Kính gửi: ", ToAbsl(unit_title), "\n\n",
                  "Hệ thống quản lý kế hoạch giáo dục Hải Phòng (hpedu) nhắc "
                  "việc ngày ",
                  VietnameseDate(as_of), ": ", absl::StrJoin(counts, ", "),
                  ".\n");
  AppendSection(text, "Nhiệm vụ quá hạn", digest.late_tasks, true, tasks_link);
  AppendSection(text, "Nhiệm vụ sắp đến hạn", digest.due_tasks, true,
                tasks_link);
  AppendSection(text, "Báo cáo định kỳ chưa nộp", digest.missing_reports, false,
                reports_link);
  AppendSection(text, "Báo cáo định kỳ sắp đến hạn", digest.due_reports, false,
                reports_link);
  absl::StrAppend(&text, "\nDanh sách đôn đốc: ", chasing_link, "\n",
                  "Thư này được gửi tự động; đơn vị đổi nơi nhận nhắc việc "
                  "trên bảng điều khiển.\n");

  rendered.json =
      nlohmann::json{
          {"reminder", reminder},
          {"unit", digest.unit},
          {"unitTitle", unit_title},
          {"date", api::FormatIsoDate(as_of)},
          {"subject", rendered.subject},
          {"text", rendered.text},
          {"link", chasing_link},
          {"lateTasks", ItemsJson(digest.late_tasks, true, tasks_link)},
          {"dueTasks", ItemsJson(digest.due_tasks, true, tasks_link)},
          {"missingReports",
           ItemsJson(digest.missing_reports, false, reports_link)},
          {"dueReports", ItemsJson(digest.due_reports, false, reports_link)}}
          .dump();
  return rendered;
}

}  // namespace hpedu::plans
