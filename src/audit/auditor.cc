#include "audit/auditor.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "audit/audit_util.h"
#include "aws/sts.h"

namespace fastpath::audit {
namespace {

struct Entered {
  AccountInfo account;
  std::shared_ptr<aws::CredentialProvider> credentials;
  std::vector<std::string> regions;
  std::string error;  // could not be entered
};

std::unique_ptr<aws::AwsClient> ClientFor(const AuditEnvironment& env,
                                          std::shared_ptr<aws::CredentialProvider> creds,
                                          const std::string& region) {
  aws::AwsClientOptions o = env.client_options;
  o.region = region;
  return std::make_unique<aws::AwsClient>(o, std::move(creds));
}

bool Wanted(const std::vector<std::string>& filter, const std::string& v) {
  return filter.empty() || std::find(filter.begin(), filter.end(), v) != filter.end();
}

// The accounts in scope: the caller's, or the organization's active accounts.
Status ListScope(const AuditSettings& s, const AuditEnvironment& env, AuditReport* report,
                 std::vector<AccountInfo>* out) {
  if (!s.organization) {
    if (!s.accounts.empty()) {
      for (const std::string& id : s.accounts) out->push_back({id, "", "ACTIVE"});
    } else {
      out->push_back({report->caller_account, "", "ACTIVE"});
    }
    return Status::Ok();
  }
  aws::AwsClientOptions o = env.client_options;
  o.region = "us-east-1";
  aws::AwsClient org(o, env.caller_credentials);
  auto desc = org.CallJson("organizations", "AWSOrganizationsV20161128", "DescribeOrganization",
                           "{}", "1.1");
  if (!desc.ok()) {
    return Status::IoError("organizations:DescribeOrganization: " + desc.status().message());
  }
  simdjson::dom::parser dp;
  simdjson::dom::element dd, org_el;
  if (dp.parse(desc.value()).get(dd) == simdjson::SUCCESS && JsonGet(dd["Organization"], org_el)) {
    report->organization_id = JStr(org_el, "Id");
  }
  std::string token;
  do {
    std::string body = "{";
    if (!token.empty()) body += aws::JsonField("NextToken", token);
    body += "}";
    auto r =
        org.CallJson("organizations", "AWSOrganizationsV20161128", "ListAccounts", body, "1.1");
    if (!r.ok()) return Status::IoError("organizations:ListAccounts: " + r.status().message());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(r.value()).get(doc) != simdjson::SUCCESS) {
      return Status::Corrupt("organizations:ListAccounts: the response is not JSON");
    }
    for (simdjson::dom::element a : JArr(doc, "Accounts")) {
      AccountInfo info{std::string(JStr(a, "Id")), std::string(JStr(a, "Name")),
                       std::string(JStr(a, "Status"))};
      if (!Wanted(s.accounts, info.id)) continue;
      if (info.status != "ACTIVE") {
        report->errors.push_back("account " + info.id + " (" + info.name + ") is " + info.status +
                                 ": not audited");
        continue;
      }
      out->push_back(std::move(info));
    }
    token = std::string(JStr(doc, "NextToken"));
  } while (!token.empty());
  return Status::Ok();
}

// Credentials in the account: the caller's own, or the audit role's.
Result<std::shared_ptr<aws::CredentialProvider>> Enter(const AuditSettings& s,
                                                       const AuditEnvironment& env,
                                                       const std::string& caller_account,
                                                       const std::string& account) {
  if (account == caller_account) return env.caller_credentials;
  const std::string arn = "arn:aws:iam::" + account + ":role/" + s.role_name;
  aws::AwsError e;
  auto c = aws::AssumeRole(*env.caller, arn, "fastpath-audit", s.external_id, 3600, &e);
  if (!c.ok()) {
    return Status::IoError("sts:AssumeRole " + arn + ": " +
                           (IsAccessDenied(e) ? "access denied (does the role exist, and trust " +
                                                    caller_account + "?)"
                                              : c.status().message()));
  }
  return std::shared_ptr<aws::CredentialProvider>(
      std::make_shared<aws::StaticCredentialProvider>(c.value()));
}

// The regions enabled for the account (opt-in regions only when opted in).
Result<std::vector<std::string>> EnabledRegions(const AuditEnvironment& env,
                                                std::shared_ptr<aws::CredentialProvider> creds) {
  auto client = ClientFor(env, std::move(creds), env.caller->options().region);
  auto xml = client->CallQuery("ec2", "DescribeRegions", "2016-11-15", {{"AllRegions", "true"}});
  if (!xml.ok()) return Status::IoError("ec2:DescribeRegions: " + xml.status().message());
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.value().data(), xml.value().size())) {
    return Status::Corrupt("ec2:DescribeRegions: the response is not XML");
  }
  std::vector<std::string> out;
  for (pugi::xml_node item : doc.first_child().child("regionInfo").children("item")) {
    if (std::string_view(item.child("optInStatus").text().as_string()) == "not-opted-in") continue;
    out.push_back(item.child("regionName").text().as_string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<const ComponentDescriptor*> Selected(const AuditSettings& s, bool global) {
  std::vector<const ComponentDescriptor*> out;
  for (const ComponentDescriptor* c : Components()) {
    if (c->global == global && Wanted(s.components, c->name)) out.push_back(c);
  }
  return out;
}

void RunComponent(const AuditSettings& s, const AuditShared& shared, const ComponentDescriptor& c,
                  const AccountInfo& account, const std::string& region,
                  const aws::AwsClient& client, Cell* cell) {
  cell->account = account.id;
  cell->region = c.global ? "global" : region;
  cell->component = c.name;
  AuditContext ctx(account, region, &client, &s, &shared, cell);
  c.check(ctx);
  // Gaps, silences and unknowns first.
  std::stable_sort(cell->findings.begin(), cell->findings.end(),
                   [](const Finding& a, const Finding& b) {
                     return (a.state != CellState::kOk) > (b.state != CellState::kOk);
                   });
}

}  // namespace

Result<AuditReport> RunAudit(const AuditSettings& s, const AuditEnvironment& env) {
  AuditReport report;
  report.started = NowNs();
  const uint64_t calls_before = ApiCallsMade();
  auto me = aws::CallerAccount(*env.caller);
  if (!me.ok()) return Status::IoError("sts:GetCallerIdentity: " + me.status().message());
  report.caller_account = me.value();
  std::vector<AccountInfo> accounts;
  Status st = ListScope(s, env, &report, &accounts);
  if (!st.ok()) return st;
  for (const ComponentDescriptor* c : Components()) {
    if (Wanted(s.components, c->name)) report.components.push_back(c->name);
  }

  // Enter every account and read its regions (a few accounts at a time).
  std::vector<Entered> entered(accounts.size());
  {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < accounts.size();) {
        Entered& e = entered[i];
        e.account = accounts[i];
        auto creds = Enter(s, env, report.caller_account, accounts[i].id);
        if (!creds.ok()) {
          e.error = creds.status().message();
          continue;
        }
        e.credentials = creds.value();
        if (!s.regions.empty()) {
          e.regions = s.regions;
        } else {
          auto regions = EnabledRegions(env, e.credentials);
          if (!regions.ok()) {
            e.error = regions.status().message();
            continue;
          }
          e.regions = regions.value();
        }
      }
    };
    std::vector<std::thread> threads;
    const int n = std::max(1, std::min<int>(s.concurrency, static_cast<int>(accounts.size())));
    for (int t = 0; t < n; ++t) threads.emplace_back(work);
    for (auto& t : threads) t.join();
  }

  // An account that could not be entered is shown in the regions the others have, every cell
  // unknown: a blind spot is never left out of the matrix.
  std::vector<std::string> known_regions;
  for (const Entered& e : entered) {
    for (const std::string& r : e.regions) {
      if (std::find(known_regions.begin(), known_regions.end(), r) == known_regions.end()) {
        known_regions.push_back(r);
      }
    }
  }
  std::sort(known_regions.begin(), known_regions.end());
  for (Entered& e : entered) {
    if (!e.error.empty() && e.regions.empty()) e.regions = known_regions;
  }

  // The central bus's policy, read once from its own account.
  AuditShared shared;
  if (!s.central_bus_arn.empty()) {
    const std::string owner = ArnAccount(s.central_bus_arn);
    for (const Entered& e : entered) {
      if (e.account.id != owner || !e.credentials) continue;
      auto client = ClientFor(env, e.credentials, ArnRegion(s.central_bus_arn));
      auto r = client->CallJson("events", "AWSEvents", "DescribeEventBus",
                                "{" + aws::JsonField("Name", s.central_bus_arn) + "}", "1.1");
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (r.ok() && parser.parse(r.value()).get(doc) == simdjson::SUCCESS) {
        shared.central_bus_policy = std::string(JStr(doc, "Policy"));
      }
    }
  }

  // The tasks: one per account x region (regional components) and one per account (global).
  struct Task {
    size_t account;
    std::string region;  // "global" for the global components
    std::vector<Cell> cells;
  };
  std::vector<Task> tasks;
  const auto regional = Selected(s, false);
  const auto global = Selected(s, true);
  for (size_t i = 0; i < entered.size(); ++i) {
    const Entered& e = entered[i];
    for (const std::string& r : e.regions) {
      if (!regional.empty()) tasks.push_back({i, r, {}});
    }
    if (!global.empty()) tasks.push_back({i, "global", {}});
    for (const std::string& r : e.regions) {
      if (std::find(report.regions.begin(), report.regions.end(), r) == report.regions.end()) {
        report.regions.push_back(r);
      }
    }
  }
  std::sort(report.regions.begin(), report.regions.end());

  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> in_flight(entered.size(), 0);
  std::vector<bool> taken(tasks.size(), false);
  size_t done = 0;
  auto worker = [&] {
    for (;;) {
      size_t pick = tasks.size();
      {
        std::unique_lock<std::mutex> lock(mu);
        for (;;) {
          bool left = false;
          for (size_t t = 0; t < tasks.size(); ++t) {
            if (taken[t]) continue;
            left = true;
            if (in_flight[tasks[t].account] < s.per_account) {
              pick = t;
              break;
            }
          }
          if (pick < tasks.size() || !left) break;
          cv.wait(lock);
        }
        if (pick == tasks.size()) return;
        taken[pick] = true;
        ++in_flight[tasks[pick].account];
      }
      Task& task = tasks[pick];
      const Entered& e = entered[task.account];
      const bool is_global = task.region == "global";
      const auto& comps = is_global ? global : regional;
      if (!e.error.empty()) {
        for (const ComponentDescriptor* c : comps) {
          Cell cell;
          cell.account = e.account.id;
          cell.region = task.region;
          cell.component = c->name;
          cell.state = CellState::kUnknown;
          cell.findings.push_back(
              {"audit.not_entered", CellState::kUnknown, "", e.error, "", "", "sts:AssumeRole"});
          task.cells.push_back(std::move(cell));
        }
      } else {
        auto client = ClientFor(env, e.credentials, is_global ? "us-east-1" : task.region);
        for (const ComponentDescriptor* c : comps) {
          Cell cell;
          RunComponent(s, shared, *c, e.account, is_global ? "us-east-1" : task.region, *client,
                       &cell);
          task.cells.push_back(std::move(cell));
        }
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        --in_flight[task.account];
        ++done;
        if (env.progress) env.progress(done, tasks.size());
      }
      cv.notify_all();
    }
  };
  {
    std::vector<std::thread> threads;
    const int n = std::max(1, std::min<int>(s.concurrency, static_cast<int>(tasks.size())));
    for (int t = 0; t < n; ++t) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
  }

  for (const Entered& e : entered) {
    report.accounts.push_back(e.account);
    if (!e.error.empty()) report.errors.push_back("account " + e.account.id + ": " + e.error);
  }
  // Account-major, then region ("global" last), then component order.
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) {
    if (a.account != b.account) return a.account < b.account;
    const bool ga = a.region == "global", gb = b.region == "global";
    if (ga != gb) return gb;
    return a.region < b.region;
  });
  for (Task& t : tasks) {
    for (Cell& c : t.cells) report.cells.push_back(std::move(c));
  }
  report.api_calls = ApiCallsMade() - calls_before;
  report.seconds = static_cast<double>(NowNs() - report.started) / 1e9;
  return report;
}

Cell AuditOne(const AuditSettings& s, const AuditEnvironment& env,
              const ComponentDescriptor& component, const AccountInfo& account,
              const std::string& region) {
  Cell cell;
  auto me = aws::CallerAccount(*env.caller);
  auto creds = me.ok() ? Enter(s, env, me.value(), account.id)
                       : Result<std::shared_ptr<aws::CredentialProvider>>(me.status());
  if (!creds.ok()) {
    cell.account = account.id;
    cell.region = component.global ? "global" : region;
    cell.component = component.name;
    cell.state = CellState::kUnknown;
    cell.findings.push_back({"audit.not_entered", CellState::kUnknown, "", creds.status().message(),
                             "", "", "sts:AssumeRole"});
    return cell;
  }
  auto client = ClientFor(env, creds.value(), component.global ? "us-east-1" : region);
  AuditShared shared;
  RunComponent(s, shared, component, account, component.global ? "us-east-1" : region, *client,
               &cell);
  return cell;
}

}  // namespace fastpath::audit
