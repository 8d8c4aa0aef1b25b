/*
 * lite3's value readers: one call reads a value's storage class and its contents.
 *
 * The safe crate would otherwise make three or four calls per column read
 * (sqlite3_column_count for the bounds check, sqlite3_column_value, sqlite3_value_type and the
 * accessor). With the vendored SQLite this file is compiled in the same translation unit as the
 * amalgamation, so the compiler inlines those calls into these functions and a typed read costs
 * one call, as in C. Only SQLite's public API is used, so the same file also builds against a
 * system libsqlite3 (there without the inlining).
 *
 * The Rust declarations are in lite3-sys/src/read.rs; keep the two in step.
 */
#ifndef SQLITE3_H
#include <sqlite3.h>
#endif

/* A value's contents; which member is set depends on the storage class returned. */
typedef struct lite3_value_parts {
  union {
    sqlite3_int64 integer;  /* SQLITE_INTEGER */
    double real;            /* SQLITE_FLOAT */
    const void *bytes;      /* SQLITE_TEXT (UTF-8) and SQLITE_BLOB; NULL when empty */
  } data;
  int len;                  /* SQLITE_TEXT and SQLITE_BLOB: length in bytes */
} lite3_value_parts;

/* In the vendored build, inline every SQLite function these readers call (GCC and clang):
   that is the point of compiling them with the amalgamation. */
#if defined(__GNUC__)
#define LITE3_INLINE_CALLEES __attribute__((flatten))
#else
#define LITE3_INLINE_CALLEES
#endif

/* Returned instead of a storage class (SQLite's are 1 to 5). */
#define LITE3_NO_SUCH_COLUMN 0
#define LITE3_OUT_OF_MEMORY (-1)

int lite3_value_read(sqlite3_value *value, lite3_value_parts *out);
int lite3_column_read(sqlite3_stmt *stmt, int i, lite3_value_parts *out);

/*
 * Reads `value` without converting it: only the accessor of its own storage class is called,
 * so earlier pointers into it stay valid. Returns its storage class, or LITE3_OUT_OF_MEMORY when
 * SQLite could not allocate the buffer of a TEXT or BLOB (text converted from the database's
 * UTF-16 or NUL-terminated, a zeroblob expanded).
 */
LITE3_INLINE_CALLEES int lite3_value_read(sqlite3_value *value, lite3_value_parts *out) {
  int class = sqlite3_value_type(value);
  switch (class) {
    case SQLITE_INTEGER:
      out->data.integer = sqlite3_value_int64(value);
      break;
    case SQLITE_FLOAT:
      out->data.real = sqlite3_value_double(value);
      break;
    case SQLITE_TEXT:
    case SQLITE_BLOB:
      /* The pointer first, then the length: SQLite's documented order. */
      out->data.bytes = class == SQLITE_TEXT ? (const void *)sqlite3_value_text(value)
                                             : sqlite3_value_blob(value);
      out->len = sqlite3_value_bytes(value);
      /* Text always comes NUL-terminated, so without a buffer it failed (and its length may
         then read 0); only an empty blob legitimately has none. */
      if (out->data.bytes == 0 && (class == SQLITE_TEXT || out->len > 0))
        return LITE3_OUT_OF_MEMORY;
      break;
  }
  return class;
}

/*
 * Reads column `i` of the current row of `stmt` (which has just returned SQLITE_ROW), as
 * lite3_value_read. Returns LITE3_NO_SUCH_COLUMN when `i` is out of range.
 */
LITE3_INLINE_CALLEES int lite3_column_read(sqlite3_stmt *stmt, int i, lite3_value_parts *out) {
  if (i < 0 || i >= sqlite3_column_count(stmt)) return LITE3_NO_SUCH_COLUMN;
  return lite3_value_read(sqlite3_column_value(stmt, i), out);
}
