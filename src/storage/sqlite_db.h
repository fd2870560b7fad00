// SqliteDb and SqliteStatement: the one way fastpath keeps state in SQLite (the alert outbox, the
// single-process Kinesis leases). Files are opened in WAL mode with synchronous=FULL (a commit
// survives a crash) and a busy timeout, so another process reading the file (`fastpath alerts`)
// waits instead of failing.
//
// Not thread-safe: the owner serialises calls (both users hold a mutex around them).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace fastpath {

class SqliteDb {
 public:
  // `what` names the database in errors ("outbox", "lease store").
  SqliteDb(std::string what, std::string path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Opens (creating) the file and runs `schema` (statements without parameters).
  Status Open(const char* schema);
  bool is_open() const { return db_ != nullptr; }
  // Statements without parameters (BEGIN, COMMIT, DDL).
  Status Exec(const char* sql);
  // Rows changed by the last statement.
  int64_t Changes() const;
  // An IoError "<what>[ context]: <SQLite's last message>".
  Status Error(const std::string& context = "") const;
  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  const std::string what_, path_;
  sqlite3* db_ = nullptr;
};

// A prepared statement with positional binding (in the order of the calls) and column reading.
class SqliteStatement {
 public:
  SqliteStatement(const SqliteDb& db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  bool ok() const { return st_ != nullptr; }  // false: the SQL did not prepare (see Error)
  SqliteStatement& Text(const std::string& v);
  SqliteStatement& Int(int64_t v);
  int Step();  // SQLITE_ROW, SQLITE_DONE, SQLITE_CONSTRAINT, ...
  std::string Col(int i) const;
  int64_t ColInt(int i) const;
  Status Error(const std::string& context) const { return db_.Error(context); }

 private:
  const SqliteDb& db_;
  sqlite3_stmt* st_ = nullptr;
  int n_ = 0;
};

}  // namespace fastpath
