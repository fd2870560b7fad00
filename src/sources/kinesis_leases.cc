#include "sources/kinesis_leases.h"

#include <sqlite3.h>

namespace fastpath {
namespace {

using aws::AttributeValue;
using aws::ConditionalWrite;
using aws::Item;

int64_t AsInt(const Item& item, const char* name) {
  auto it = item.find(name);
  return it == item.end() ? 0 : std::strtoll(it->second.s.c_str(), nullptr, 10);
}

std::string AsString(const Item& item, const char* name) {
  auto it = item.find(name);
  return it == item.end() ? "" : it->second.s;
}

std::vector<std::string> AsSet(const Item& item, const char* name) {
  auto it = item.find(name);
  return it == item.end() ? std::vector<std::string>() : it->second.ss;
}

Item Key(const Lease& l) {
  return {{"leaseKey", AttributeValue::S(l.key)}};
}

std::string JoinSet(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> SplitSet(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

Item LeaseToItem(const Lease& l) {
  Item item = Key(l);
  if (!l.owner.empty()) item["leaseOwner"] = AttributeValue::S(l.owner);
  item["leaseCounter"] = AttributeValue::N(l.counter);
  item["checkpoint"] = AttributeValue::S(l.checkpoint);
  item["checkpointSubSequenceNumber"] = AttributeValue::N(l.checkpoint_sub);
  item["ownerSwitchesSinceCheckpoint"] = AttributeValue::N(l.owner_switches);
  if (!l.parents.empty()) item["parentShardId"] = AttributeValue::SS(l.parents);
  if (!l.children.empty()) item["childShardIds"] = AttributeValue::SS(l.children);
  if (!l.starting_hash_key.empty())
    item["startingHashKey"] = AttributeValue::S(l.starting_hash_key);
  if (!l.ending_hash_key.empty()) item["endingHashKey"] = AttributeValue::S(l.ending_hash_key);
  return item;
}

Lease LeaseFromItem(const Item& item) {
  Lease l;
  l.key = AsString(item, "leaseKey");
  l.owner = AsString(item, "leaseOwner");
  l.counter = AsInt(item, "leaseCounter");
  l.checkpoint = AsString(item, "checkpoint");
  l.checkpoint_sub = AsInt(item, "checkpointSubSequenceNumber");
  l.owner_switches = AsInt(item, "ownerSwitchesSinceCheckpoint");
  l.parents = AsSet(item, "parentShardId");
  l.children = AsSet(item, "childShardIds");
  l.starting_hash_key = AsString(item, "startingHashKey");
  l.ending_hash_key = AsString(item, "endingHashKey");
  return l;
}

// ---------------------------------------------------------------------------------- DynamoDB

Status DynamoDbLeaseStore::Init() {
  return db_->EnsureTable(table_, "leaseKey");
}

Result<std::vector<Lease>> DynamoDbLeaseStore::List() {
  auto items = db_->Scan(table_);
  if (!items.ok()) return items.status();
  std::vector<Lease> out;
  for (const Item& i : items.value()) {
    if (i.count("leaseKey") != 0 && i.count("leaseCounter") != 0) out.push_back(LeaseFromItem(i));
  }
  return out;
}

Result<bool> DynamoDbLeaseStore::Create(const Lease& lease) {
  return db_->PutItem(table_, LeaseToItem(lease), {"attribute_not_exists(leaseKey)", "", {}, {}});
}

Result<bool> DynamoDbLeaseStore::Confirm(Lease* lease, int64_t expected_counter,
                                         const std::string& owner) {
  auto got = db_->GetItem(table_, Key(*lease));
  if (!got.ok()) return got.status();
  if (!got.value()) return false;
  Lease now = LeaseFromItem(*got.value());
  if (now.counter == expected_counter && now.owner == owner) {
    *lease = now;
    return true;
  }
  return false;
}

// Every write is fenced by the counter the caller holds (and, for the holder's own writes, by its
// ownership), and moves the counter on.
static ConditionalWrite Fenced(const Lease& lease, const std::string& owner, bool require_owner,
                               std::string update) {
  ConditionalWrite w;
  w.condition = require_owner ? "leaseCounter = :old AND leaseOwner = :me" : "leaseCounter = :old";
  w.update = "SET leaseCounter = :new" + update;
  w.values = {{":old", AttributeValue::N(lease.counter)},
              {":new", AttributeValue::N(lease.counter + 1)},
              {":me", AttributeValue::S(owner)}};
  return w;
}

Result<bool> DynamoDbLeaseStore::Renew(Lease* lease) {
  auto r = db_->UpdateItem(table_, Key(*lease), Fenced(*lease, lease->owner, true, ""));
  if (!r.ok()) return r.status();
  if (!r.value()) return Confirm(lease, lease->counter + 1, lease->owner);
  ++lease->counter;
  return true;
}

Result<bool> DynamoDbLeaseStore::Held(const std::string& key, const std::string& owner) {
  Lease probe;
  probe.key = key;
  auto got = db_->GetItem(table_, Key(probe));
  if (!got.ok()) return got.status();
  return got.value() && LeaseFromItem(*got.value()).owner == owner;
}

Result<bool> DynamoDbLeaseStore::Take(Lease* lease, const std::string& owner) {
  const bool switching = lease->owner != owner;
  ConditionalWrite w = Fenced(*lease, owner, false, ", leaseOwner = :me");
  if (switching) {
    w.update += " ADD ownerSwitchesSinceCheckpoint :one";
    w.values[":one"] = AttributeValue::N(1);
  }
  auto r = db_->UpdateItem(table_, Key(*lease), w);
  if (!r.ok()) return r.status();
  if (!r.value()) return Confirm(lease, lease->counter + 1, owner);
  ++lease->counter;
  lease->owner = owner;
  if (switching) ++lease->owner_switches;
  return true;
}

Result<bool> DynamoDbLeaseStore::Checkpoint(Lease* lease, const std::string& checkpoint,
                                            int64_t sub, const std::vector<std::string>& children) {
  ConditionalWrite w = Fenced(*lease, lease->owner, true,
                              ", #cp = :cp, checkpointSubSequenceNumber = :sub, "
                              "ownerSwitchesSinceCheckpoint = :zero");
  w.names = {{"#cp", "checkpoint"}};
  w.values[":cp"] = AttributeValue::S(checkpoint);
  w.values[":sub"] = AttributeValue::N(sub);
  w.values[":zero"] = AttributeValue::N(0);
  if (!children.empty()) {
    w.update += ", childShardIds = :children";
    w.values[":children"] = AttributeValue::SS(children);
  }
  auto r = db_->UpdateItem(table_, Key(*lease), w);
  if (!r.ok()) return r.status();
  if (!r.value()) return Confirm(lease, lease->counter + 1, lease->owner);
  ++lease->counter;
  lease->checkpoint = checkpoint;
  lease->checkpoint_sub = sub;
  lease->owner_switches = 0;
  if (!children.empty()) lease->children = children;
  return true;
}

Result<bool> DynamoDbLeaseStore::Release(Lease* lease) {
  auto r = db_->UpdateItem(table_, Key(*lease),
                           Fenced(*lease, lease->owner, true, " REMOVE leaseOwner"));
  if (!r.ok()) return r.status();
  if (r.value()) {
    ++lease->counter;
    lease->owner.clear();
  }
  return r.value();
}

// ------------------------------------------------------------------------------------ SQLite

SqliteLeaseStore::SqliteLeaseStore(std::string path) : db_("lease store", std::move(path)) {}

SqliteLeaseStore::~SqliteLeaseStore() = default;

Status SqliteLeaseStore::Init() {
  std::lock_guard<std::mutex> l(mu_);
  if (db_.is_open()) return Status::Ok();
  return db_.Open(
      "CREATE TABLE IF NOT EXISTS leases (leaseKey TEXT PRIMARY KEY, leaseOwner TEXT NOT NULL "
      "DEFAULT '', leaseCounter INTEGER NOT NULL, checkpoint TEXT NOT NULL, "
      "checkpointSubSequenceNumber INTEGER NOT NULL DEFAULT 0, ownerSwitchesSinceCheckpoint "
      "INTEGER NOT NULL DEFAULT 0, parentShardId TEXT NOT NULL DEFAULT '', childShardIds TEXT NOT "
      "NULL DEFAULT '', startingHashKey TEXT NOT NULL DEFAULT '', endingHashKey TEXT NOT NULL "
      "DEFAULT '');");
}

Result<bool> SqliteLeaseStore::Exec(const std::string& sql, const std::vector<std::string>& args) {
  std::lock_guard<std::mutex> l(mu_);
  SqliteStatement st(db_, sql.c_str());
  if (!st.ok()) return db_.Error();
  for (const std::string& a : args) st.Text(a);
  const int rc = st.Step();
  if (rc == SQLITE_CONSTRAINT) return false;
  if (rc != SQLITE_DONE) return db_.Error();
  return db_.Changes() == 1;
}

Result<std::vector<Lease>> SqliteLeaseStore::List() {
  std::lock_guard<std::mutex> l(mu_);
  SqliteStatement st(db_,
                     "SELECT leaseKey, leaseOwner, leaseCounter, checkpoint, "
                     "checkpointSubSequenceNumber, ownerSwitchesSinceCheckpoint, parentShardId, "
                     "childShardIds, startingHashKey, endingHashKey FROM leases ORDER BY leaseKey");
  if (!st.ok()) return db_.Error();
  std::vector<Lease> out;
  while (st.Step() == SQLITE_ROW) {
    Lease le;
    le.key = st.Col(0);
    le.owner = st.Col(1);
    le.counter = st.ColInt(2);
    le.checkpoint = st.Col(3);
    le.checkpoint_sub = st.ColInt(4);
    le.owner_switches = st.ColInt(5);
    le.parents = SplitSet(st.Col(6));
    le.children = SplitSet(st.Col(7));
    le.starting_hash_key = st.Col(8);
    le.ending_hash_key = st.Col(9);
    out.push_back(std::move(le));
  }
  return out;
}

Result<bool> SqliteLeaseStore::Held(const std::string& key, const std::string& owner) {
  std::lock_guard<std::mutex> l(mu_);
  SqliteStatement st(db_, "SELECT leaseOwner FROM leases WHERE leaseKey = ?1");
  if (!st.ok()) return db_.Error();
  st.Text(key);
  const int rc = st.Step();
  if (rc == SQLITE_DONE) return false;
  if (rc != SQLITE_ROW) return st.Error("lease " + key);
  return st.Col(0) == owner;
}

Result<bool> SqliteLeaseStore::Create(const Lease& le) {
  return Exec(
      "INSERT OR IGNORE INTO leases (leaseKey, leaseOwner, leaseCounter, checkpoint, "
      "checkpointSubSequenceNumber, ownerSwitchesSinceCheckpoint, parentShardId, childShardIds, "
      "startingHashKey, endingHashKey) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
      {le.key, le.owner, std::to_string(le.counter), le.checkpoint,
       std::to_string(le.checkpoint_sub), std::to_string(le.owner_switches), JoinSet(le.parents),
       JoinSet(le.children), le.starting_hash_key, le.ending_hash_key});
}

Result<bool> SqliteLeaseStore::Renew(Lease* le) {
  auto r = Exec(
      "UPDATE leases SET leaseCounter = leaseCounter + 1 WHERE leaseKey = ?1 AND leaseCounter = ?2 "
      "AND leaseOwner = ?3",
      {le->key, std::to_string(le->counter), le->owner});
  if (r.ok() && r.value()) ++le->counter;
  return r;
}

Result<bool> SqliteLeaseStore::Take(Lease* le, const std::string& owner) {
  const bool switching = le->owner != owner;
  auto r = Exec(
      "UPDATE leases SET leaseCounter = leaseCounter + 1, leaseOwner = ?3, "
      "ownerSwitchesSinceCheckpoint = ownerSwitchesSinceCheckpoint + ?4 WHERE leaseKey = ?1 AND "
      "leaseCounter = ?2",
      {le->key, std::to_string(le->counter), owner, switching ? "1" : "0"});
  if (r.ok() && r.value()) {
    ++le->counter;
    le->owner = owner;
    if (switching) ++le->owner_switches;
  }
  return r;
}

Result<bool> SqliteLeaseStore::Checkpoint(Lease* le, const std::string& checkpoint, int64_t sub,
                                          const std::vector<std::string>& children) {
  const std::string kids = children.empty() ? JoinSet(le->children) : JoinSet(children);
  auto r = Exec(
      "UPDATE leases SET leaseCounter = leaseCounter + 1, checkpoint = ?4, "
      "checkpointSubSequenceNumber = ?5, ownerSwitchesSinceCheckpoint = 0, childShardIds = ?6 "
      "WHERE leaseKey = ?1 AND leaseCounter = ?2 AND leaseOwner = ?3",
      {le->key, std::to_string(le->counter), le->owner, checkpoint, std::to_string(sub), kids});
  if (r.ok() && r.value()) {
    ++le->counter;
    le->checkpoint = checkpoint;
    le->checkpoint_sub = sub;
    le->owner_switches = 0;
    if (!children.empty()) le->children = children;
  }
  return r;
}

Result<bool> SqliteLeaseStore::Release(Lease* le) {
  auto r = Exec(
      "UPDATE leases SET leaseCounter = leaseCounter + 1, leaseOwner = '' WHERE leaseKey = ?1 AND "
      "leaseCounter = ?2 AND leaseOwner = ?3",
      {le->key, std::to_string(le->counter), le->owner});
  if (r.ok() && r.value()) {
    ++le->counter;
    le->owner.clear();
  }
  return r;
}

}  // namespace fastpath
