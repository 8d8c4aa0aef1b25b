//! Extension loading: refused unless enabled, enabled only for the C API (SQL's
//! `load_extension()` stays refused even then), and off again when the guard drops. The test
//! builds a one-function extension with the C compiler against `sqlite3ext.h`.
#![cfg(feature = "load_extension")]

mod common;

use common::{TempDir, sqlite_turn};
use lite3::{Connection, LoadExtensionGuard};
use std::path::{Path, PathBuf};
use std::process::Command;

const EXTENSION: &str = r#"
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1
static void answer(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc; (void)argv;
    sqlite3_result_int(ctx, 42);
}
int sqlite3_answer_init(sqlite3 *db, char **err, const sqlite3_api_routines *api) {
    (void)err;
    SQLITE_EXTENSION_INIT2(api);
    return sqlite3_create_function(db, "answer", 0, SQLITE_UTF8, 0, answer, 0, 0);
}
"#;

/// Builds the extension, or explains why it cannot (outside CI the test is then skipped).
fn build_extension(dir: &Path) -> Option<PathBuf> {
    let header = Path::new("/usr/include/sqlite3ext.h");
    if !header.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs sqlite3ext.h (libsqlite3-dev) to build the test extension"
        );
        eprintln!("skipped: no sqlite3ext.h to build the test extension (install libsqlite3-dev)");
        return None;
    }
    let source = dir.join("answer.c");
    std::fs::write(&source, EXTENSION).unwrap();
    let library = dir.join("libanswer.so");
    let status = Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&library)
        .arg(&source)
        .status()
        .expect("a C compiler (cc)");
    assert!(status.success(), "building the test extension failed");
    Some(library)
}

#[test]
fn loading_is_off_unless_enabled_and_never_reachable_from_sql() {
    let _turn = sqlite_turn();
    let dir = TempDir::new("load-extension");
    let Some(library) = build_extension(&dir.0) else {
        return;
    };
    let conn = Connection::open_in_memory().unwrap();
    // SAFETY: the library is the test's own, built above.
    let refused = unsafe { conn.load_extension(&library, None::<&str>) }.unwrap_err();
    assert!(refused.to_string().contains("not authorized"), "{refused}");

    {
        // SAFETY: as above.
        let _guard = unsafe { LoadExtensionGuard::new(&conn) }.unwrap();
        // SAFETY: as above.
        unsafe { conn.load_extension(&library, Some("sqlite3_answer_init")) }.unwrap();
        let answer: i64 = conn.query_row("SELECT answer()", (), |r| r.get(0)).unwrap();
        assert_eq!(answer, 42);
        // SQL cannot load anything, even now.
        let sql = format!("SELECT load_extension('{}')", library.display());
        let err = conn
            .query_row(&sql, (), |r| r.get::<_, Option<String>>(0))
            .unwrap_err();
        assert!(err.to_string().contains("not authorized"), "{err}");
        // A missing library: the loader's message.
        // SAFETY: nothing is loaded.
        let err = unsafe { conn.load_extension(dir.0.join("nope"), None::<&str>) }.unwrap_err();
        assert!(err.to_string().contains("nope"), "{err}");
    }
    // SAFETY: as above.
    let again = unsafe { conn.load_extension(&library, None::<&str>) }.unwrap_err();
    assert!(again.to_string().contains("not authorized"), "{again}");
}
