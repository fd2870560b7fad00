#include "alerts/outbox.h"

#include <sqlite3.h>

#include "storage/sqlite_db.h"

#include "core/event.h"

namespace fastpath {
namespace {

using Stmt = SqliteStatement;

constexpr const char* kAlertColumns =
    "a.alert_id, a.rule_id, a.title, a.severity, a.runbook, a.log_type, a.account, a.region, "
    "a.principal, a.source_ip, a.event_name, a.event_id, a.event_time, a.created, a.matches, "
    "a.json, a.acked, a.ack_note, "
    "CASE WHEN a.acked > 0 THEN 'acked' "
    "WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.alert_id AND d.state = 'dead') "
    "THEN 'dead' "
    "WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.alert_id = a.alert_id AND d.state = "
    "'pending') THEN 'pending' ELSE 'delivered' END";

StoredAlert ReadAlert(const Stmt& s, int first) {
  StoredAlert a;
  a.id = s.Col(first + 0);
  a.rule_id = s.Col(first + 1);
  a.title = s.Col(first + 2);
  a.severity = s.Col(first + 3);
  a.runbook = s.Col(first + 4);
  a.log_type = s.Col(first + 5);
  a.account = s.Col(first + 6);
  a.region = s.Col(first + 7);
  a.principal = s.Col(first + 8);
  a.source_ip = s.Col(first + 9);
  a.event_name = s.Col(first + 10);
  a.event_id = s.Col(first + 11);
  a.event_time = s.ColInt(first + 12);
  a.created = s.ColInt(first + 13);
  a.matches = static_cast<uint64_t>(s.ColInt(first + 14));
  a.json = s.Col(first + 15);
  a.acked = s.ColInt(first + 16);
  a.ack_note = s.Col(first + 17);
  a.state = s.Col(first + 18);
  return a;
}

// Columns 0-6: alert_id, output, state, attempts, next_attempt, delivered, last_error.
Delivery ReadDelivery(const Stmt& s) {
  Delivery d;
  d.alert_id = s.Col(0);
  d.output = s.Col(1);
  d.state = s.Col(2);
  d.attempts = static_cast<int>(s.ColInt(3));
  d.next_attempt = s.ColInt(4);
  d.delivered = s.ColInt(5);
  d.last_error = s.Col(6);
  return d;
}

}  // namespace

StoredAlert ToStored(const Alert& a, TimeNs now) {
  StoredAlert s;
  s.id = AlertId(a);
  s.rule_id = a.rule->id;
  s.title = a.rule->title;
  s.severity = a.rule->severity;
  s.runbook = a.rule->runbook;
  s.log_type = std::string(LogTypeName(a.event.log_type));
  s.account = a.event.account;
  s.region = a.event.region;
  s.event_id = a.event.id;
  s.event_time = a.event.time;
  s.created = now;
  s.matches = a.matches;
  // CloudTrail records and EventBridge envelopes around them.
  s.principal = ValuesAt(a.event.json, "userIdentity.arn");
  if (s.principal.empty()) s.principal = ValuesAt(a.event.json, "detail.userIdentity.arn");
  s.source_ip = ValuesAt(a.event.json, "sourceIPAddress");
  if (s.source_ip.empty()) s.source_ip = ValuesAt(a.event.json, "detail.sourceIPAddress");
  s.event_name = ValuesAt(a.event.json, "eventName");
  if (s.event_name.empty()) s.event_name = ValuesAt(a.event.json, "detail.eventName");
  AppendAlertJsonLine(a, &s.json);
  while (!s.json.empty() && s.json.back() == '\n') s.json.pop_back();
  s.state = "pending";
  return s;
}

Outbox::Outbox(std::string path) : db_("outbox", std::move(path)) {}

Outbox::~Outbox() = default;

Status Outbox::Open() {
  std::lock_guard<std::mutex> l(mu_);
  Status opened = db_.Open(
      "CREATE TABLE IF NOT EXISTS alerts (alert_id TEXT PRIMARY KEY, rule_id TEXT NOT NULL, "
      "title TEXT, severity TEXT, runbook TEXT, log_type TEXT, account TEXT, region TEXT, "
      "principal TEXT, source_ip TEXT, event_name TEXT, event_id TEXT, event_time INTEGER, "
      "created INTEGER NOT NULL, matches INTEGER NOT NULL, json TEXT NOT NULL, "
      "acked INTEGER NOT NULL DEFAULT 0, ack_note TEXT NOT NULL DEFAULT '');"
      "CREATE TABLE IF NOT EXISTS deliveries (alert_id TEXT NOT NULL, output TEXT NOT NULL, "
      "state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt INTEGER NOT NULL, "
      "delivered INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '', "
      "PRIMARY KEY (alert_id, output));"
      "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (output, state, next_attempt);"
      "CREATE INDEX IF NOT EXISTS alerts_created ON alerts (created);");
  if (!opened.ok()) return opened;
  // An outbox written before acknowledgements carried a note gains the column.
  Stmt has_note(db_, "SELECT 1 FROM pragma_table_info('alerts') WHERE name = 'ack_note'");
  if (has_note.Step() == SQLITE_ROW) return Status::Ok();
  return db_.Exec("ALTER TABLE alerts ADD COLUMN ack_note TEXT NOT NULL DEFAULT ''");
}

Result<bool> Outbox::Add(const StoredAlert& a, const std::vector<std::string>& outputs) {
  std::lock_guard<std::mutex> l(mu_);
  if (Status s = db_.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
  Stmt ins(db_,
           "INSERT OR IGNORE INTO alerts (alert_id, rule_id, title, severity, runbook, log_type, "
           "account, region, principal, source_ip, event_name, event_id, event_time, created, "
           "matches, json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  ins.Text(a.id).Text(a.rule_id).Text(a.title).Text(a.severity).Text(a.runbook).Text(a.log_type);
  ins.Text(a.account).Text(a.region).Text(a.principal).Text(a.source_ip).Text(a.event_name);
  ins.Text(a.event_id).Int(a.event_time).Int(a.created).Int(static_cast<int64_t>(a.matches));
  ins.Text(a.json);
  if (ins.Step() != SQLITE_DONE) {
    Status s = ins.Error("insert");
    db_.Exec("ROLLBACK");
    return s;
  }
  const bool fresh = db_.Changes() == 1;
  if (fresh) {
    for (const std::string& o : outputs) {
      Stmt d(db_,
             "INSERT OR IGNORE INTO deliveries (alert_id, output, state, next_attempt) VALUES "
             "(?,?,'pending',?)");
      d.Text(a.id).Text(o).Int(a.created);
      if (d.Step() != SQLITE_DONE) {
        Status s = d.Error("insert delivery");
        db_.Exec("ROLLBACK");
        return s;
      }
    }
  } else {
    Stmt up(db_, "UPDATE alerts SET matches = matches + ? WHERE alert_id = ?");
    up.Int(static_cast<int64_t>(a.matches)).Text(a.id);
    up.Step();
  }
  if (Status s = db_.Exec("COMMIT"); !s.ok()) return s;
  return fresh;
}

Status Outbox::AddMatch(const std::string& alert_id) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "UPDATE alerts SET matches = matches + 1 WHERE alert_id = ?");
  s.Text(alert_id);
  return s.Step() == SQLITE_DONE ? Status::Ok() : s.Error("add match");
}

Result<std::vector<std::pair<Delivery, StoredAlert>>> Outbox::Due(const std::string& output,
                                                                  TimeNs now, int limit) {
  std::lock_guard<std::mutex> l(mu_);
  const std::string sql =
      "SELECT d.alert_id, d.output, d.state, d.attempts, d.next_attempt, d.delivered, "
      "d.last_error, " +
      std::string(kAlertColumns) +
      " FROM deliveries d JOIN alerts a ON a.alert_id = d.alert_id WHERE d.output = ? AND "
      "d.state = 'pending' AND d.next_attempt <= ? ORDER BY d.next_attempt, a.created LIMIT ?";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return db_.Error("due");
  s.Text(output).Int(now).Int(limit);
  std::vector<std::pair<Delivery, StoredAlert>> out;
  while (s.Step() == SQLITE_ROW) {
    out.emplace_back(ReadDelivery(s), ReadAlert(s, 7));
  }
  return out;
}

Status Outbox::MarkDelivered(const std::string& alert_id, const std::string& output, TimeNs now) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_,
         "UPDATE deliveries SET state = 'delivered', delivered = ?, attempts = attempts + 1, "
         "last_error = '' WHERE alert_id = ? AND output = ?");
  s.Int(now).Text(alert_id).Text(output);
  return s.Step() == SQLITE_DONE ? Status::Ok() : s.Error("mark delivered");
}

Status Outbox::MarkFailed(const std::string& alert_id, const std::string& output,
                          const std::string& error, TimeNs next_attempt, bool dead) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_,
         "UPDATE deliveries SET state = ?, attempts = attempts + 1, next_attempt = ?, "
         "last_error = ? WHERE alert_id = ? AND output = ?");
  s.Text(dead ? "dead" : "pending").Int(next_attempt).Text(error).Text(alert_id).Text(output);
  return s.Step() == SQLITE_DONE ? Status::Ok() : s.Error("mark failed");
}

Result<TimeNs> Outbox::NextDue(const std::string& output) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "SELECT MIN(next_attempt) FROM deliveries WHERE output = ? AND state = 'pending'");
  s.Text(output);
  if (s.Step() != SQLITE_ROW) return s.Error("next due");
  return s.ColInt(0);
}

Result<std::vector<StoredAlert>> Outbox::List(const AlertFilter& f) {
  std::lock_guard<std::mutex> l(mu_);
  std::string sql = "SELECT * FROM (SELECT " + std::string(kAlertColumns) +
                    " AS state FROM alerts a WHERE (? = '' OR a.rule_id = ?) AND (? = '' OR "
                    "a.severity = ?) AND (? = '' OR a.account = ?) AND (CASE WHEN ? THEN "
                    "a.event_time ELSE a.created END) >= ? AND (? = 0 OR (CASE WHEN ? THEN "
                    "a.event_time ELSE a.created END) <= ?)) WHERE (? = '' OR state = ?) ORDER BY "
                    "created DESC LIMIT ?";
  Stmt s(db_, sql.c_str());
  if (!s.ok()) return db_.Error("list");
  s.Text(f.rule_id).Text(f.rule_id).Text(f.severity).Text(f.severity).Text(f.account);
  s.Text(f.account).Int(f.by_event_time ? 1 : 0).Int(f.since).Int(f.until);
  s.Int(f.by_event_time ? 1 : 0).Int(f.until).Text(f.state).Text(f.state).Int(f.limit);
  std::vector<StoredAlert> out;
  while (s.Step() == SQLITE_ROW) out.push_back(ReadAlert(s, 0));
  return out;
}

Result<AlertFacets> Outbox::Facets() {
  std::lock_guard<std::mutex> l(mu_);
  AlertFacets out;
  const std::pair<const char*, std::vector<std::string>*> columns[] = {
      {"SELECT DISTINCT rule_id FROM alerts ORDER BY 1", &out.rule_ids},
      {"SELECT DISTINCT severity FROM alerts ORDER BY 1", &out.severities},
      {"SELECT DISTINCT account FROM alerts ORDER BY 1", &out.accounts}};
  for (const auto& [sql, into] : columns) {
    Stmt s(db_, sql);
    if (!s.ok()) return db_.Error("facets");
    while (s.Step() == SQLITE_ROW) into->push_back(s.Col(0));
  }
  out.states = {"pending", "delivered", "dead", "acked"};
  return out;
}

Result<std::vector<std::tuple<std::string, std::string, int64_t>>> Outbox::Backlog() {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_,
         "SELECT output, state, COUNT(*) FROM deliveries WHERE state IN ('pending', 'dead') "
         "GROUP BY output, state ORDER BY output, state");
  if (!s.ok()) return db_.Error("backlog");
  std::vector<std::tuple<std::string, std::string, int64_t>> out;
  while (s.Step() == SQLITE_ROW) out.emplace_back(s.Col(0), s.Col(1), std::stoll(s.Col(2)));
  return out;
}

Result<std::optional<StoredAlert>> Outbox::Get(const std::string& id) {
  std::lock_guard<std::mutex> l(mu_);
  const std::string sql =
      "SELECT " + std::string(kAlertColumns) + " FROM alerts a WHERE a.alert_id = ?";
  Stmt s(db_, sql.c_str());
  s.Text(id);
  if (s.Step() != SQLITE_ROW) return std::optional<StoredAlert>();
  return std::optional<StoredAlert>(ReadAlert(s, 0));
}

Result<std::vector<Delivery>> Outbox::Deliveries(const std::string& alert_id) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_,
         "SELECT alert_id, output, state, attempts, next_attempt, delivered, last_error FROM "
         "deliveries WHERE alert_id = ? ORDER BY output");
  s.Text(alert_id);
  std::vector<Delivery> out;
  while (s.Step() == SQLITE_ROW) {
    out.push_back(ReadDelivery(s));
  }
  return out;
}

Result<int> Outbox::Retry(const std::string& alert_id, TimeNs now) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_,
         "UPDATE deliveries SET state = 'pending', next_attempt = ? WHERE alert_id = ? AND state "
         "IN ('dead', 'pending')");
  s.Int(now).Text(alert_id);
  if (s.Step() != SQLITE_DONE) return s.Error("retry");
  return db_.Changes();
}

Result<bool> Outbox::Ack(const std::string& alert_id, TimeNs now, const std::string& note) {
  std::lock_guard<std::mutex> l(mu_);
  Stmt s(db_, "UPDATE alerts SET acked = ?, ack_note = ? WHERE alert_id = ? AND acked = 0");
  s.Int(now).Text(note).Text(alert_id);
  if (s.Step() != SQLITE_DONE) return s.Error("ack");
  return db_.Changes() == 1;
}

}  // namespace fastpath
