/*
** The standard workloads W1-W4 (the project's BENCH_SPEC) in plain C against the SQLite
** amalgamation, compiled with the same options as lite3's vendored build. `cargo xtask bench`
** runs it beside `lite3 bench`: it is the limit a binding is measured against.
**
** usage: workloads DB_PATH [N]
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "sqlite3mc_amalgamation.h"

static sqlite3 *db;

static void die(const char *what) {
  fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
  exit(1);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static sqlite3_stmt *prepare(const char *sql) {
  sqlite3_stmt *stmt;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, 0) != SQLITE_OK) die(sql);
  return stmt;
}

static void exec(const char *sql) {
  if (sqlite3_exec(db, sql, 0, 0, 0) != SQLITE_OK) die(sql);
}

__attribute__((noinline)) static uint64_t w1_insert(uint64_t n) {
  exec("BEGIN");
  sqlite3_stmt *stmt = prepare("INSERT INTO t(id,name,score,data) VALUES(?1,?2,?3,?4)");
  char name[32];
  unsigned char data[16];
  for (uint64_t i = 1; i <= n; i++) {
    int len = snprintf(name, sizeof name, "name-%08llu", (unsigned long long)i);
    for (int k = 0; k < 16; k++) data[k] = (unsigned char)((i + k) % 256);
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)i);
    sqlite3_bind_text(stmt, 2, name, len, SQLITE_STATIC);
    sqlite3_bind_double(stmt, 3, i * 0.5);
    sqlite3_bind_blob(stmt, 4, data, 16, SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE) die("insert");
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  exec("COMMIT");
  return n;
}

__attribute__((noinline)) static uint64_t w2_point_select(uint64_t n) {
  sqlite3_stmt *stmt = prepare("SELECT name, score FROM t WHERE id=?1");
  uint64_t x = 1, checksum = 0;
  for (uint64_t i = 0; i < n; i++) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)((x >> 33) % n + 1));
    if (sqlite3_step(stmt) != SQLITE_ROW) die("point select");
    sqlite3_column_text(stmt, 0);
    checksum += (uint64_t)sqlite3_column_bytes(stmt, 0) + (uint64_t)floor(sqlite3_column_double(stmt, 1));
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  return checksum;
}

__attribute__((noinline)) static uint64_t w3_scan(void) {
  sqlite3_stmt *stmt = prepare("SELECT id, name, score, data FROM t");
  uint64_t checksum = 0;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    const unsigned char *data;
    sqlite3_column_text(stmt, 1);
    data = sqlite3_column_blob(stmt, 3);
    checksum += (uint64_t)sqlite3_column_int64(stmt, 0) + (uint64_t)sqlite3_column_bytes(stmt, 1) +
                (uint64_t)floor(sqlite3_column_double(stmt, 2)) + (sqlite3_column_bytes(stmt, 3) > 0 ? data[0] : 0);
  }
  if (rc != SQLITE_DONE) die("scan");
  sqlite3_finalize(stmt);
  return checksum;
}

__attribute__((noinline)) static uint64_t w4_tiny_query(uint64_t n) {
  sqlite3_stmt *stmt = prepare("SELECT ?1");
  uint64_t checksum = 0;
  for (uint64_t i = 1; i <= n; i++) {
    sqlite3_bind_int64(stmt, 1, (sqlite3_int64)i);
    if (sqlite3_step(stmt) != SQLITE_ROW) die("tiny query");
    checksum += (uint64_t)sqlite3_column_int64(stmt, 0);
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  return checksum;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DB_PATH [N]\n", argv[0]);
    return 2;
  }
  uint64_t n = argc > 2 ? strtoull(argv[2], 0, 10) : 1000000;
  char path[4096];
  const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
  for (int i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "%s%s", argv[1], suffixes[i]);
    unlink(path);
  }
  /* The same open mode lite3 uses: its types serialise use, so no per-connection mutex. */
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, 0) != SQLITE_OK) die("open");
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
  printf("# sqlite %s", sqlite3_libversion());
  sqlite3_stmt *options = prepare("PRAGMA compile_options");
  while (sqlite3_step(options) == SQLITE_ROW) printf(" %s", sqlite3_column_text(options, 0));
  sqlite3_finalize(options);
  printf("\n");
  exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL NOT NULL, data BLOB NOT NULL)");

  double start = now_ms();
  uint64_t c = w1_insert(n);
  printf("W1 insert %.1f %llu\n", now_ms() - start, (unsigned long long)c);
  start = now_ms();
  c = w2_point_select(n);
  printf("W2 point_select %.1f %llu\n", now_ms() - start, (unsigned long long)c);
  start = now_ms();
  c = w3_scan();
  printf("W3 scan %.1f %llu\n", now_ms() - start, (unsigned long long)c);
  start = now_ms();
  c = w4_tiny_query(n);
  printf("W4 tiny_query %.1f %llu\n", now_ms() - start, (unsigned long long)c);
  sqlite3_close(db);
  return 0;
}
