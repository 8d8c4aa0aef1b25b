/*
 * lite3's value readers: one call reads a value's storage class and its contents.
 *
 * The safe crate would otherwise make three or four calls per column read
 * (sqlite3_column_count for the bounds check, sqlite3_column_value, sqlite3_value_type and the
 * accessor). With the vendored SQLite this file is compiled in the same translation unit as the
 * amalgamation, so the compiler inlines those calls into these functions and a typed read costs
 * one call, as in C. There, lite3_column_read also reads the current row's cells directly
 * (see below); everything else uses SQLite's public API only, and the same file builds against
 * a system libsqlite3 with the public path alone (and without the inlining).
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
#ifdef SQLITE_AMALGAMATION
/*
 * The vendored build sees the statement's current row. sqlite3_column_value wraps the row's
 * cell in what any API call must do for any caller: enter and leave the connection's mutex
 * (absent on lite3's connections, which are opened without one, but still tested), mark a
 * static value ephemeral for a caller that keeps the sqlite3_value, and check for an
 * allocation that failed meanwhile; per read that costs more than the read itself. lite3 never
 * hands the cell out and never shares a connection between threads at once, so it reads the
 * cell directly when its value is there as it is to be returned, which is what SQLite's
 * accessors then return too (sqlite3VdbeIntValue, sqlite3VdbeRealValue, sqlite3ValueText,
 * sqlite3_value_blob and sqlite3ValueBytes with the same flags): a number, a NULL, UTF-8
 * text already NUL-terminated, a blob that is not a zeroblob. Anything else (text to convert or
 * terminate, a zeroblob to expand: an allocation whose failure SQLite must record) takes the
 * public path.
 * lite3's tests/row_reads.rs compares both paths on every kind of value SQL leaves in a row;
 * tests/raw_api.rs here covers the integer flagged as real.
 */
/* The public path, out of line: its calls would make the fast path save registers. */
__attribute__((noinline)) static int lite3_column_read_public(sqlite3_stmt *stmt, int i,
                                                             lite3_value_parts *out) {
  return lite3_value_read(sqlite3_column_value(stmt, i), out);
}

LITE3_INLINE_CALLEES int lite3_column_read(sqlite3_stmt *stmt, int i, lite3_value_parts *out) {
  Vdbe *vm = (Vdbe *)stmt;
  const Mem *cell;
  int class;
  if (i < 0 || i >= vm->nResColumn) return LITE3_NO_SUCH_COLUMN;
  if (vm->pResultRow == 0) return lite3_column_read_public(stmt, i, out);
  cell = &vm->pResultRow[i];
  /* sqlite3_value_type's table: INTEGER has MEM_Int set, FLOAT MEM_Real or MEM_IntReal. */
  class = sqlite3_value_type((sqlite3_value *)cell);
  if (class == SQLITE_INTEGER) {
    out->data.integer = cell->u.i;
  } else if (class == SQLITE_FLOAT) {
    out->data.real = (cell->flags & MEM_Real) ? cell->u.r : (double)cell->u.i;
  } else if (class == SQLITE_TEXT) {
    if ((cell->flags & (MEM_Str | MEM_Term)) != (MEM_Str | MEM_Term) || cell->enc != SQLITE_UTF8)
      return lite3_column_read_public(stmt, i, out);
    out->data.bytes = cell->z;
    out->len = cell->n;
  } else if (class == SQLITE_BLOB) {
    if (cell->flags & MEM_Zero) return lite3_column_read_public(stmt, i, out);
    out->data.bytes = cell->n ? cell->z : 0;
    out->len = cell->n;
  }
  return class;
}
#else
LITE3_INLINE_CALLEES int lite3_column_read(sqlite3_stmt *stmt, int i, lite3_value_parts *out) {
  if (i < 0 || i >= sqlite3_column_count(stmt)) return LITE3_NO_SUCH_COLUMN;
  return lite3_value_read(sqlite3_column_value(stmt, i), out);
}
#endif
