// Outbox: the durable record of every alert and of its delivery to each output.
//
// An alert is written here (SQLite in WAL mode, synchronous=FULL: on disk when Add returns)
// before any output sees it, with one delivery row per output. The dispatcher sends what is due
// and marks each delivery delivered, or failed with its next attempt time, or dead once it is
// older than the output's max age. After a crash, whatever was not marked delivered is sent
// again: at-least-once, and exactly-once at receivers that honour the alert id as an
// idempotency key. `fastpath alerts list|show|retry|ack` reads and edits the same file.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "alerts/alert_policy.h"
#include "core/status.h"
#include "storage/sqlite_db.h"

namespace fastpath {

// An alert as stored: what outputs format messages from.
struct StoredAlert {
  std::string id;
  std::string rule_id;
  std::string title;
  std::string severity;
  std::string runbook;
  std::string log_type;
  std::string account;
  std::string region;
  std::string principal;  // userIdentity.arn (or what the record has)
  std::string source_ip;
  std::string event_name;
  std::string event_id;
  TimeNs event_time = 0;
  TimeNs created = 0;
  uint64_t matches = 1;
  std::string json;   // the alert line (alert_id, rule_id, ..., event)
  std::string state;  // pending | delivered | dead | acked (derived from the deliveries)
  TimeNs acked = 0;
  std::string ack_note;  // why it was acknowledged, as the operator wrote it
};

struct Delivery {
  std::string alert_id;
  std::string output;
  std::string state;  // pending | delivered | dead
  int attempts = 0;
  TimeNs next_attempt = 0;
  TimeNs delivered = 0;
  std::string last_error;
};

struct AlertFilter {
  std::string rule_id;
  std::string severity;
  std::string state;
  std::string account;
  TimeNs since = 0;
  TimeNs until = 0;
  bool by_event_time = false;  // since/until bound the event's time instead of the alert's
  int limit = 100;
};

// The values alerts have, for filter menus.
struct AlertFacets {
  std::vector<std::string> rule_ids, severities, accounts, states;
};

// Builds the stored form of an alert (principal, source IP, event name read from the record).
StoredAlert ToStored(const Alert& a, TimeNs now);

class Outbox {
 public:
  explicit Outbox(std::string path);
  ~Outbox();
  Status Open();
  const std::string& path() const { return db_.path(); }

  // Stores the alert and a pending delivery per output, durably. An alert id seen before adds
  // its matches to the stored one and creates no new deliveries. Returns true when new.
  Result<bool> Add(const StoredAlert& a, const std::vector<std::string>& outputs);
  // Deliveries of `output` due at `now`, oldest first, with their alerts.
  // One more match merged into the alert by its rule's dedup window.
  Status AddMatch(const std::string& alert_id);
  Result<std::vector<std::pair<Delivery, StoredAlert>>> Due(const std::string& output, TimeNs now,
                                                            int limit);
  Status MarkDelivered(const std::string& alert_id, const std::string& output, TimeNs now);
  Status MarkFailed(const std::string& alert_id, const std::string& output,
                    const std::string& error, TimeNs next_attempt, bool dead);
  // The earliest next attempt among pending deliveries of `output` (0: none pending).
  Result<TimeNs> NextDue(const std::string& output);

  Result<std::vector<StoredAlert>> List(const AlertFilter& f);
  Result<AlertFacets> Facets();
  // Deliveries not delivered, per output: {output, state (pending | dead), count}.
  Result<std::vector<std::tuple<std::string, std::string, int64_t>>> Backlog();
  Result<std::optional<StoredAlert>> Get(const std::string& id);
  Result<std::vector<Delivery>> Deliveries(const std::string& alert_id);
  // Dead (or, with `all`, undelivered) deliveries of the alert go back to pending, due now.
  Result<int> Retry(const std::string& alert_id, TimeNs now);
  // Marks the alert acknowledged, with the operator's note; false when it already was (the first
  // acknowledgement and its note stay).
  Result<bool> Ack(const std::string& alert_id, TimeNs now, const std::string& note = "");

 private:
  std::mutex mu_;
  SqliteDb db_;  // guarded by mu_
};

}  // namespace fastpath
