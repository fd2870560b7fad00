// The coverage audit: is every path fastpath reads wired in every region of every account?
//
// A component (CloudTrail, EventBridge, VPC flow logs, ...) is one descriptor and one file under
// src/audit/, listed in audit_registry.cc. For each account x region (or once per account for a
// global component) its check reads the account's configuration through the AWS APIs and fills
// a Cell: every finding is ok, a gap (with the fix in one sentence and the CLI that applies it),
// unknown (the API refused: the missing permission is named) or silent (wired, yet the path has
// delivered nothing for longer than it should: joined from the daemon's liveness state).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>
#include <pugixml.hpp>

#include "aws/aws_client.h"
#include "core/status.h"
#include "core/time_util.h"

namespace fastpath::audit {

enum class CellState : uint8_t { kOk, kGap, kSilent, kUnknown };
const char* CellStateName(CellState s);
// The worse of two states: gap > silent > unknown > ok.
CellState Worse(CellState a, CellState b);

struct Finding {
  std::string id;  // "<component>.<kind>", e.g. "cloudtrail.not_logging"
  CellState state = CellState::kOk;
  std::string resource;    // the trail, rule, VPC, ... it is about ("" for the whole component)
  std::string message;     // what was seen
  std::string fix;         // one sentence (gaps)
  std::string fix_cli;     // the aws CLI command that applies it (gaps)
  std::string permission;  // the IAM action that was refused (unknown)
};

struct Cell {
  std::string account;
  std::string region;  // "global" for a global component
  std::string component;
  CellState state = CellState::kOk;
  std::vector<Finding> findings;   // gaps, silences and unknowns first, then what is fine
  std::vector<std::string> notes;  // what was seen that is neither (trail names, data stores)
};

// What the audit expects of the wiring, from the CLI or the daemon's `audit:` section.
struct AuditSettings {
  bool organization = false;                 // every account of the organization
  std::string role_name = "fastpath-audit";  // assumed in every account but the caller's
  std::string external_id;
  std::vector<std::string> accounts;     // only these (ids); empty: all
  std::vector<std::string> regions;      // empty: every region enabled for the account
  std::vector<std::string> components;   // only these; empty: all
  std::string central_bus_arn;           // the bus the forwarding rules target, when central
  std::vector<std::string> data_events;  // resource types the trail must log data events of
  bool cloudtrail_via_logs = false;      // CloudTrail is read from CloudWatch Logs
  std::vector<std::string> log_groups;   // source log groups (a trailing * is a prefix)
  std::vector<std::string> flow_log_fields = {"srcaddr",  "dstaddr", "srcport", "dstport",
                                              "protocol", "action",  "start",   "end"};
  std::string securityhub_region;       // the finding aggregation region expected
  std::vector<std::string> s3_buckets;  // buckets the s3_sqs source reads (notification check)
  int concurrency = 64;                 // account x region audits in flight overall
  int per_account = 4;                  // account x region audits in flight per account
};

struct AccountInfo {
  std::string id;
  std::string name;
  std::string status = "ACTIVE";
};

// The answer of one API call: the body, or the AWS error (code empty: transport failure).
struct Reply {
  bool ok = false;
  std::string body;
  aws::AwsError error;
  std::string message;  // the failure, as the client words it
};

// What the audit reads once and every check may consult.
struct AuditShared {
  // The central bus's resource policy; nullopt when none is configured or it could not be read.
  std::optional<std::string> central_bus_policy;
};

// What a component's check works with: one account in one region.
class AuditContext {
 public:
  AuditContext(const AccountInfo& account, std::string region, const aws::AwsClient* client,
               const AuditSettings* settings, const AuditShared* shared, Cell* cell)
      : account_(account),
        region_(std::move(region)),
        client_(client),
        settings_(settings),
        shared_(shared),
        cell_(cell) {}

  const std::string& account() const { return account_.id; }
  const std::string& region() const { return region_; }
  const AuditSettings& settings() const { return *settings_; }
  const aws::AwsClient& client() const { return *client_; }
  Cell* cell() { return cell_; }
  const std::optional<std::string>* CentralBusPolicy() const {
    return shared_ == nullptr ? nullptr : &shared_->central_bus_policy;
  }

  // The protocols. Each retries what the SDKs retry.
  Reply Json(const char* service, const char* target_prefix, const char* operation,
             std::string body, const char* json_version = "1.1") const;
  Reply Query(const char* service, const char* action, const char* version,
              const std::vector<std::pair<std::string, std::string>>& params) const;
  Reply Rest(const char* service, const char* method, std::string path,
             std::string body = "") const;
  // The same in another region (S3 buckets answer in their own region).
  Reply RestIn(const std::string& region, const char* service, const char* method,
               std::string path) const;

  // Answers every call instead of AWS (the fuzz target feeds the checks arbitrary answers this
  // way): called with the service and the operation (or "METHOD /path").
  using Responder = std::function<Reply(std::string_view service, std::string_view operation)>;
  void UseResponder(Responder r) { responder_ = std::move(r); }

  // True when `r` succeeded; else records an `unknown` finding naming `permission` (access
  // denied) or the error, and returns false.
  bool Need(const Reply& r, const std::string& permission);
  // Parses a JSON reply into `doc` (kept alive by `parser`); a bad body is an unknown finding.
  bool ParseJson(const Reply& r, simdjson::dom::parser* parser, simdjson::dom::element* doc,
                 const std::string& permission);
  bool ParseXml(const Reply& r, pugi::xml_document* doc, const std::string& permission);

  void Ok(std::string id, std::string resource, std::string message);
  void Gap(std::string id, std::string resource, std::string message, std::string fix,
           std::string fix_cli);
  void Unknown(std::string id, std::string resource, std::string message, std::string permission);
  void Note(std::string text);

 private:
  void Add(Finding f);
  const AccountInfo& account_;
  std::string region_;
  const aws::AwsClient* client_;
  const AuditSettings* settings_;
  const AuditShared* shared_;
  Cell* cell_;
  Responder responder_;
  bool TooMany(Reply* r) const;
  mutable int calls_ = 0;
};

bool IsAccessDenied(const aws::AwsError& e);
// API calls made by every audit in this process (for the report and the benchmark).
uint64_t ApiCallsMade();

struct ComponentDescriptor {
  const char* name;   // "cloudtrail"
  const char* title;  // "CloudTrail"
  const char* why;    // one line: what the component is for fastpath
  bool global;        // checked once per account, in us-east-1 (Route 53, CloudFront)
  std::vector<const char*> permissions;  // IAM actions the check calls
  void (*check)(AuditContext& ctx);
};

// Every component, in the order reports show them.
const std::vector<const ComponentDescriptor*>& Components();
const ComponentDescriptor* FindComponent(std::string_view name);

// The read-only IAM policy (JSON) the audit role needs: every component's actions, and
// Organizations, STS and EC2 region listing for the scope.
std::string AuditPolicyJson();

struct AuditReport {
  std::string caller_account;
  std::string organization_id;
  std::vector<AccountInfo> accounts;
  std::vector<std::string> regions;  // union over accounts, in order
  std::vector<std::string> components;
  std::vector<Cell> cells;          // account-major, then region, then component
  std::vector<std::string> errors;  // accounts that could not be entered, and why
  TimeNs started = 0;
  double seconds = 0;
  uint64_t api_calls = 0;

  size_t CountState(CellState s) const;
  bool AllWired() const;  // no gap, no silence, no unknown, no error
};

}  // namespace fastpath::audit
