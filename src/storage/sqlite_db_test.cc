#include "storage/sqlite_db.h"

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include <gtest/gtest.h>

namespace fastpath {
namespace {

TEST(SqliteDb, OpensWithSchemaBindsAndReads) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("fastpath-sqlite-" + std::to_string(getpid())))
          .string();
  std::filesystem::remove(path);
  {
    SqliteDb db("test store", path);
    ASSERT_TRUE(db.Open("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER);").ok());
    SqliteStatement ins(db, "INSERT INTO t (k, n) VALUES (?, ?)");
    ASSERT_TRUE(ins.ok());
    EXPECT_EQ(ins.Text("a").Int(7).Step(), SQLITE_DONE);
    EXPECT_EQ(db.Changes(), 1);
    SqliteStatement sel(db, "SELECT k, n FROM t");
    ASSERT_EQ(sel.Step(), SQLITE_ROW);
    EXPECT_EQ(sel.Col(0), "a");
    EXPECT_EQ(sel.ColInt(1), 7);
    SqliteStatement bad(db, "SELECT nope FROM t");
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.Error("select").message().find("test store select: no such column"),
              std::string::npos)
        << bad.Error("select").message();
  }
  // A schema that fails leaves the database closed, so a later Open starts over.
  SqliteDb again("test store", path);
  EXPECT_FALSE(again.Open("CREATE TABLE t (k TEXT);").ok());  // t exists
  EXPECT_FALSE(again.is_open());
  EXPECT_TRUE(again.Open("CREATE TABLE IF NOT EXISTS t (k TEXT);").ok());
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
}

}  // namespace
}  // namespace fastpath
