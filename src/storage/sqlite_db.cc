#include "storage/sqlite_db.h"

#include <sqlite3.h>

namespace fastpath {

SqliteDb::SqliteDb(std::string what, std::string path)
    : what_(std::move(what)), path_(std::move(path)) {}

SqliteDb::~SqliteDb() {
  if (db_ != nullptr) sqlite3_close(db_);
}

Status SqliteDb::Open(const char* schema) {
  if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK) {
    Status st = Status::IoError(what_ + " " + path_ + ": " + sqlite3_errmsg(db_));
    sqlite3_close(db_);
    db_ = nullptr;
    return st;
  }
  sqlite3_busy_timeout(db_, 5000);
  Status st = Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
  if (st.ok()) st = Exec(schema);
  if (!st.ok()) {  // closed again, so that a later Open starts over
    sqlite3_close(db_);
    db_ = nullptr;
  }
  return st;
}

Status SqliteDb::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    return Status::IoError(what_ + " " + path_ + ": " + msg);
  }
  return Status::Ok();
}

int64_t SqliteDb::Changes() const {
  return sqlite3_changes(db_);
}

Status SqliteDb::Error(const std::string& context) const {
  return Status::IoError(what_ + (context.empty() ? "" : " " + context) + ": " +
                         sqlite3_errmsg(db_));
}

SqliteStatement::SqliteStatement(const SqliteDb& db, const char* sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql, -1, &st_, nullptr) != SQLITE_OK) st_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(st_);
}

SqliteStatement& SqliteStatement::Text(const std::string& v) {
  sqlite3_bind_text(st_, ++n_, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::Int(int64_t v) {
  sqlite3_bind_int64(st_, ++n_, v);
  return *this;
}

int SqliteStatement::Step() {
  return st_ == nullptr ? SQLITE_MISUSE : sqlite3_step(st_);
}

std::string SqliteStatement::Col(int i) const {
  const unsigned char* t = sqlite3_column_text(st_, i);
  return t == nullptr ? std::string()
                      : std::string(reinterpret_cast<const char*>(t),
                                    static_cast<size_t>(sqlite3_column_bytes(st_, i)));
}

int64_t SqliteStatement::ColInt(int i) const {
  return sqlite3_column_int64(st_, i);
}

}  // namespace fastpath
