#include <algorithm>
#include <atomic>

#include "audit/audit.h"

namespace fastpath::audit {
namespace {

std::atomic<uint64_t> g_api_calls{0};

Reply ToReply(Result<std::string> r, const aws::AwsError& e) {
  g_api_calls.fetch_add(1, std::memory_order_relaxed);
  Reply out;
  out.ok = r.ok();
  if (r.ok()) {
    out.body = std::move(r.value());
  } else {
    out.error = e;
    out.message = r.status().message();
  }
  return out;
}

int Rank(CellState s) {
  switch (s) {
    case CellState::kOk:
      return 0;
    case CellState::kUnknown:
      return 1;
    case CellState::kSilent:
      return 2;
    case CellState::kGap:
      return 3;
  }
  return 0;
}

}  // namespace

uint64_t ApiCallsMade() {
  return g_api_calls.load(std::memory_order_relaxed);
}

const char* CellStateName(CellState s) {
  switch (s) {
    case CellState::kOk:
      return "ok";
    case CellState::kGap:
      return "gap";
    case CellState::kSilent:
      return "silent";
    case CellState::kUnknown:
      return "unknown";
  }
  return "?";
}

CellState Worse(CellState a, CellState b) {
  return Rank(a) >= Rank(b) ? a : b;
}

bool IsAccessDenied(const aws::AwsError& e) {
  static constexpr std::string_view kCodes[] = {"AccessDenied",
                                                "AccessDeniedException",
                                                "UnauthorizedOperation",
                                                "AuthorizationError",
                                                "UnauthorizedException",
                                                "AuthorizationErrorException",
                                                "AccessDeniedForDependencyException"};
  for (std::string_view c : kCodes) {
    if (e.code == c) return true;
  }
  return false;
}

// Paging that never ends (a token that comes back for ever) stops here: no cell takes more.
constexpr int kMaxCallsPerCell = 5000;

bool AuditContext::TooMany(Reply* r) const {
  if (++calls_ <= kMaxCallsPerCell) return false;
  r->ok = false;
  r->message = "more than " + std::to_string(kMaxCallsPerCell) +
               " calls for one cell: the answers' paging does not end";
  return true;
}

Reply AuditContext::Json(const char* service, const char* target_prefix, const char* operation,
                         std::string body, const char* json_version) const {
  if (Reply r; TooMany(&r)) return r;
  if (responder_) return responder_(service, operation);
  aws::AwsError e;
  auto r = client_->CallJson(service, target_prefix, operation, std::move(body), json_version, &e);
  return ToReply(std::move(r), e);
}

Reply AuditContext::Query(const char* service, const char* action, const char* version,
                          const std::vector<std::pair<std::string, std::string>>& params) const {
  if (Reply r; TooMany(&r)) return r;
  if (responder_) return responder_(service, action);
  aws::AwsError e;
  auto r = client_->CallQuery(service, action, version, params, &e);
  return ToReply(std::move(r), e);
}

Reply AuditContext::Rest(const char* service, const char* method, std::string path,
                         std::string body) const {
  if (Reply r; TooMany(&r)) return r;
  if (responder_) return responder_(service, method + (" " + path));
  aws::AwsError e;
  auto r = client_->CallRest(service, method, path, std::move(body), "application/json", &e);
  return ToReply(std::move(r), e);
}

Reply AuditContext::RestIn(const std::string& region, const char* service, const char* method,
                           std::string path) const {
  if (responder_ || region == client_->options().region) {
    return Rest(service, method, std::move(path));
  }
  aws::AwsClientOptions o = client_->options();
  o.region = region;
  aws::AwsClient other(o, client_->credentials());
  aws::AwsError e;
  auto r = other.CallRest(service, method, path, "", "", &e);
  return ToReply(std::move(r), e);
}

bool AuditContext::Need(const Reply& r, const std::string& permission) {
  if (r.ok) return true;
  const std::string component = cell_->component;
  if (IsAccessDenied(r.error)) {
    Unknown(component + ".access_denied", "",
            r.error.code + ": the audit role may not call " + permission, permission);
  } else {
    Unknown(component + ".api_error", "", permission + " failed: " + r.message, "");
  }
  return false;
}

bool AuditContext::ParseJson(const Reply& r, simdjson::dom::parser* parser,
                             simdjson::dom::element* doc, const std::string& permission) {
  if (!Need(r, permission)) return false;
  if (parser->parse(r.body).get(*doc) != simdjson::SUCCESS) {
    Unknown(cell_->component + ".bad_response", "", permission + ": the response is not JSON", "");
    return false;
  }
  return true;
}

bool AuditContext::ParseXml(const Reply& r, pugi::xml_document* doc,
                            const std::string& permission) {
  if (!Need(r, permission)) return false;
  pugi::xml_parse_result pr = doc->load_buffer(r.body.data(), r.body.size());
  if (!pr) {
    Unknown(cell_->component + ".bad_response", "",
            permission + ": the response is not XML (" + pr.description() + " at offset " +
                std::to_string(pr.offset) + ")",
            "");
    return false;
  }
  return true;
}

void AuditContext::Add(Finding f) {
  cell_->state = Worse(cell_->state, f.state);
  cell_->findings.push_back(std::move(f));
}

void AuditContext::Ok(std::string id, std::string resource, std::string message) {
  Add({std::move(id), CellState::kOk, std::move(resource), std::move(message), "", "", ""});
}

void AuditContext::Gap(std::string id, std::string resource, std::string message, std::string fix,
                       std::string fix_cli) {
  Add({std::move(id), CellState::kGap, std::move(resource), std::move(message), std::move(fix),
       std::move(fix_cli), ""});
}

void AuditContext::Unknown(std::string id, std::string resource, std::string message,
                           std::string permission) {
  Add({std::move(id), CellState::kUnknown, std::move(resource), std::move(message), "", "",
       std::move(permission)});
}

void AuditContext::Note(std::string text) {
  cell_->notes.push_back(std::move(text));
}

size_t AuditReport::CountState(CellState s) const {
  return static_cast<size_t>(
      std::count_if(cells.begin(), cells.end(), [s](const Cell& c) { return c.state == s; }));
}

bool AuditReport::AllWired() const {
  return errors.empty() && CountState(CellState::kOk) == cells.size();
}

}  // namespace fastpath::audit
