//! Raw-call smoke tests: the linked library is the one the build says it is, it was compiled
//! the way vendor/ says, and the basic open/prepare/step/finalize/close cycle works.

//!
//! Every test starts with `let _sqlite = one_test_at_a_time();`. With the `single-thread`
//! feature SQLite is compiled with SQLITE_THREADSAFE=0: it then has no mutex at all, not even
//! around its global state (allocator, VFS list, PRNG, initialisation), so two threads inside
//! SQLite at once corrupt it. The test harness runs tests on parallel threads, and these tests
//! call the raw API directly (lite3's safe tier, which pins a single-threaded SQLite to one
//! thread, is not in the way here). The lock keeps one test inside SQLite at a time, so an
//! ordinary `cargo test` is safe in every build; it costs nothing worth measuring in the
//! others, where one rule for all builds keeps the tests alike.

use lite3_sys as ffi;
use std::ffi::{CStr, CString, c_int};
use std::ptr;
use std::sync::{Mutex, MutexGuard};

/// Held for the whole of each test: see the module documentation for why.
fn one_test_at_a_time() -> MutexGuard<'static, ()> {
    static SQLITE: Mutex<()> = Mutex::new(());
    // A failed test poisons the lock; the next test still gets to run on its own.
    SQLITE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn libversion() -> &'static str {
    // SAFETY: sqlite3_libversion returns a pointer to a static NUL-terminated ASCII string.
    unsafe { CStr::from_ptr(ffi::sqlite3_libversion()) }
        .to_str()
        .unwrap()
}

#[test]
fn runtime_version_matches_build_info() {
    let _sqlite = one_test_at_a_time();
    assert_eq!(libversion(), ffi::build_info::VERSION);
    // SAFETY: no preconditions.
    let number = unsafe { ffi::sqlite3_libversion_number() };
    assert_eq!(number, ffi::build_info::VERSION_NUMBER);
}

#[cfg(sqlite_vendored)]
mod vendored {
    use super::*;

    #[test]
    fn runtime_version_matches_header() {
        let _sqlite = one_test_at_a_time();
        let header = CStr::from_bytes_with_nul(ffi::SQLITE_VERSION)
            .unwrap()
            .to_str()
            .unwrap();
        assert_eq!(libversion(), header);
        // SAFETY: no preconditions.
        let number = unsafe { ffi::sqlite3_libversion_number() };
        assert_eq!(number, ffi::SQLITE_VERSION_NUMBER);
        const { assert!(ffi::build_info::VENDORED) };
    }

    #[test]
    fn every_configured_option_is_reported() {
        let _sqlite = one_test_at_a_time();
        assert!(!ffi::build_info::COMPILE_OPTIONS.is_empty());
        // SQLite's list of compile options (ctime.c) leaves these out; HAVE_USLEEP is proven below.
        const NOT_LISTED_BY_SQLITE: [&str; 3] = [
            "SQLITE_STRICT_SUBTYPE=1",
            "HAVE_USLEEP=1",
            "HAVE_LOCALTIME_R=1",
        ];
        let unreported: Vec<_> = ffi::build_info::COMPILE_OPTIONS
            .iter()
            .filter(|option| !NOT_LISTED_BY_SQLITE.contains(option))
            .filter(|option| {
                let name = CString::new(option.trim_start_matches("SQLITE_")).unwrap();
                // SAFETY: `name` is a NUL-terminated string that outlives the call.
                unsafe { ffi::sqlite3_compileoption_used(name.as_ptr()) != 1 }
            })
            .collect();
        assert!(
            unreported.is_empty(),
            "configured but not reported by SQLite: {unreported:?}"
        );
    }

    /// Without HAVE_USLEEP, SQLite sleeps in whole seconds and busy timeouts become coarse.
    #[test]
    fn sleeps_have_millisecond_resolution() {
        let _sqlite = one_test_at_a_time();
        // SAFETY: no preconditions; returns the milliseconds actually slept.
        assert_eq!(unsafe { ffi::sqlite3_sleep(1) }, 1);
    }

    #[test]
    fn threading_mode_follows_the_feature() {
        let _sqlite = one_test_at_a_time();
        let expected = if cfg!(feature = "single-thread") {
            0
        } else {
            1
        };
        // SAFETY: no preconditions.
        assert_eq!(unsafe { ffi::sqlite3_threadsafe() }, expected);
    }
}

#[cfg(not(sqlite_vendored))]
mod system {
    use super::*;

    /// Proves the system library, not the vendored one, was linked: the runtime version is the
    /// one pkg-config reports for the installed libsqlite3.
    #[test]
    fn runtime_version_is_what_pkg_config_reported() {
        let _sqlite = one_test_at_a_time();
        const { assert!(!ffi::build_info::VENDORED) };
        assert!(ffi::build_info::COMPILE_OPTIONS.is_empty());
        if std::env::var_os("LITE3_SQLITE_LIB_DIR").is_some() {
            return; // linked from an explicit directory, not through pkg-config
        }
        let out = std::process::Command::new("pkg-config")
            .args(["--modversion", "sqlite3"])
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(libversion(), String::from_utf8(out.stdout).unwrap().trim());
    }
}

/// Runs `sql` to completion on `db`, asserting success.
fn exec(db: *mut ffi::sqlite3, sql: &str) {
    let sql = CString::new(sql).unwrap();
    let mut error = ptr::null_mut();
    // SAFETY: `db` is an open connection; `sql` outlives the call; `error` receives an
    // sqlite3_malloc'd message or stays null, and is freed below.
    let rc = unsafe { ffi::sqlite3_exec(db, sql.as_ptr(), None, ptr::null_mut(), &mut error) };
    if rc != ffi::SQLITE_OK {
        // SAFETY: on failure `error` is a NUL-terminated message owned by us.
        let message = unsafe { CStr::from_ptr(error) }
            .to_string_lossy()
            .into_owned();
        // SAFETY: `error` came from sqlite3_malloc.
        unsafe { ffi::sqlite3_free(error.cast()) };
        panic!("{sql:?} failed ({rc}): {message}");
    }
}

#[test]
fn open_create_insert_select_close() {
    let _sqlite = one_test_at_a_time();
    let mut db = ptr::null_mut();
    let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE;
    // SAFETY: the filename is a static NUL-terminated string; `db` receives the handle.
    let rc = unsafe { ffi::sqlite3_open_v2(c":memory:".as_ptr(), &mut db, flags, ptr::null()) };
    assert_eq!(rc, ffi::SQLITE_OK);

    exec(
        db,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
    );
    exec(db, "INSERT INTO t(name) VALUES ('ada'), ('grace')");

    let mut stmt = ptr::null_mut();
    let sql = c"SELECT id, name FROM t ORDER BY id";
    // SAFETY: `db` is open; -1 reads `sql` up to its NUL; `stmt` receives the statement.
    let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, ptr::null_mut()) };
    assert_eq!(rc, ffi::SQLITE_OK);
    let mut rows = Vec::new();
    // SAFETY: `stmt` is a prepared statement of `db`, finalised only after the loop.
    while unsafe { ffi::sqlite3_step(stmt) } == ffi::SQLITE_ROW {
        // SAFETY: a row is current; column 1 is TEXT, so the pointer and length describe it
        // until the next step.
        let (id, name) = unsafe {
            let text = ffi::sqlite3_column_text(stmt, 1);
            let len = ffi::sqlite3_column_bytes(stmt, 1) as usize;
            (
                ffi::sqlite3_column_int64(stmt, 0),
                std::slice::from_raw_parts(text, len).to_vec(),
            )
        };
        rows.push((id, String::from_utf8(name).unwrap()));
    }
    assert_eq!(rows, [(1, "ada".to_owned()), (2, "grace".to_owned())]);
    // SAFETY: `stmt` is finalised exactly once, before its connection is closed.
    assert_eq!(unsafe { ffi::sqlite3_finalize(stmt) }, ffi::SQLITE_OK);
    // SAFETY: every statement of `db` is finalised, so close can succeed.
    assert_eq!(unsafe { ffi::sqlite3_close(db) }, ffi::SQLITE_OK);
}

/// A new in-memory database and `sql` prepared on it; the caller finalises and closes.
fn open_in_memory_and_prepare(sql: &CStr) -> (*mut ffi::sqlite3, *mut ffi::sqlite3_stmt) {
    let mut db = ptr::null_mut();
    // SAFETY: the filename is a static NUL-terminated string; `db` receives the handle.
    let rc = unsafe { ffi::sqlite3_open(c":memory:".as_ptr(), &mut db) };
    assert_eq!(rc, ffi::SQLITE_OK);
    let mut stmt = ptr::null_mut();
    // SAFETY: `db` is open; `sql` is NUL-terminated; `stmt` receives the statement.
    let rc = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, ptr::null_mut()) };
    assert_eq!(rc, ffi::SQLITE_OK);
    (db, stmt)
}

#[test]
fn transient_destructor_copies_the_buffer() {
    let _sqlite = one_test_at_a_time();
    let (db, stmt) = open_in_memory_and_prepare(c"SELECT ?1");
    let mut buffer = b"a\0b".to_vec();
    // SAFETY: SQLITE_TRANSIENT makes SQLite copy the 3 bytes before returning, so the buffer may
    // change afterwards.
    let rc = unsafe {
        ffi::sqlite3_bind_text(
            stmt,
            1,
            buffer.as_ptr().cast(),
            buffer.len() as c_int,
            ffi::SQLITE_TRANSIENT(),
        )
    };
    assert_eq!(rc, ffi::SQLITE_OK);
    buffer.fill(b'x');
    // SAFETY: `stmt` is valid; after SQLITE_ROW, column 0 holds the 3 copied bytes.
    let copied = unsafe {
        assert_eq!(ffi::sqlite3_step(stmt), ffi::SQLITE_ROW);
        std::slice::from_raw_parts(
            ffi::sqlite3_column_text(stmt, 0),
            ffi::sqlite3_column_bytes(stmt, 0) as usize,
        )
        .to_vec()
    };
    assert_eq!(copied, b"a\0b");
    // SAFETY: finalise the statement, then close the connection, each once.
    unsafe {
        assert_eq!(ffi::sqlite3_finalize(stmt), ffi::SQLITE_OK);
        assert_eq!(ffi::sqlite3_close(db), ffi::SQLITE_OK);
    }
}

/// lite3's C readers return each storage class with its contents, and refuse out-of-range
/// columns without touching SQLite's error state.
#[test]
fn column_reader_returns_class_and_contents() {
    let _sqlite = one_test_at_a_time();
    let (db, stmt) = open_in_memory_and_prepare(c"SELECT -7, 2.5, 'héllo', x'00ff', NULL, '', x''");
    // SAFETY: `stmt` is valid.
    assert_eq!(unsafe { ffi::sqlite3_step(stmt) }, ffi::SQLITE_ROW);

    let read = |i: c_int| {
        let mut parts = std::mem::MaybeUninit::uninit();
        // SAFETY: `stmt` has a current row; `parts` is writable.
        let class = unsafe { ffi::lite3_column_read(stmt, i, parts.as_mut_ptr()) };
        (class, parts)
    };
    let bytes = |parts: &std::mem::MaybeUninit<ffi::lite3_value_parts>| {
        // SAFETY: only called for TEXT and BLOB, for which the reader set `bytes` and `len`;
        // the buffer lives until the next step.
        unsafe {
            let parts = parts.assume_init_ref();
            if parts.data.bytes.is_null() {
                assert_eq!(parts.len, 0, "only an empty value has no buffer");
                Vec::new()
            } else {
                std::slice::from_raw_parts(parts.data.bytes.cast::<u8>(), parts.len as usize)
                    .to_vec()
            }
        }
    };

    let (class, parts) = read(0);
    assert_eq!(class, ffi::SQLITE_INTEGER);
    // SAFETY: INTEGER sets `integer`.
    assert_eq!(unsafe { parts.assume_init().data.integer }, -7);
    let (class, parts) = read(1);
    assert_eq!(class, ffi::SQLITE_FLOAT);
    // SAFETY: FLOAT sets `real`.
    assert_eq!(unsafe { parts.assume_init().data.real }, 2.5);
    let (class, parts) = read(2);
    assert_eq!(class, ffi::SQLITE_TEXT);
    assert_eq!(bytes(&parts), "héllo".as_bytes());
    let (class, parts) = read(3);
    assert_eq!(class, ffi::SQLITE_BLOB);
    assert_eq!(bytes(&parts), [0x00, 0xff]);
    assert_eq!(read(4).0, ffi::SQLITE_NULL);
    let (class, parts) = read(5);
    assert_eq!(class, ffi::SQLITE_TEXT);
    assert!(bytes(&parts).is_empty());
    let (class, parts) = read(6);
    assert_eq!(class, ffi::SQLITE_BLOB);
    assert!(bytes(&parts).is_empty());

    for out_of_range in [7, -1, c_int::MAX, c_int::MIN] {
        assert_eq!(read(out_of_range).0, ffi::LITE3_NO_SUCH_COLUMN);
    }
    // SAFETY: `db` is open.
    let errcode = unsafe { ffi::sqlite3_errcode(db) };
    assert_eq!(
        errcode,
        ffi::SQLITE_ROW,
        "an out-of-range read leaves SQLite's error state alone"
    );

    // The value reader agrees with the column reader.
    let mut parts = std::mem::MaybeUninit::uninit();
    // SAFETY: a row is current and column 2 exists; `parts` is writable.
    let class =
        unsafe { ffi::lite3_value_read(ffi::sqlite3_column_value(stmt, 2), parts.as_mut_ptr()) };
    assert_eq!(class, ffi::SQLITE_TEXT);
    assert_eq!(bytes(&parts), "héllo".as_bytes());

    // SAFETY: finalise the statement, then close the connection, each once.
    unsafe {
        assert_eq!(ffi::sqlite3_finalize(stmt), ffi::SQLITE_OK);
        assert_eq!(ffi::sqlite3_close(db), ffi::SQLITE_OK);
    }
}

/// A function result SQLite holds as an integer flagged as real (as it holds small integers
/// stored in a REAL column of a STRICT table, and as its test control forces): lite3's column
/// reader, which reads the row's cells directly in the vendored build, returns a FLOAT with
/// the integer's value, as sqlite3_column_type and sqlite3_column_double do.
#[test]
fn column_reader_reads_an_integer_flagged_as_real_as_a_real() {
    let _sqlite = one_test_at_a_time();
    unsafe extern "C" fn int_real(
        ctx: *mut ffi::sqlite3_context,
        _argc: c_int,
        _argv: *mut *mut ffi::sqlite3_value,
    ) {
        // SAFETY: `ctx` is the live context of this call.
        unsafe {
            ffi::sqlite3_result_int64(ctx, -42);
            ffi::sqlite3_test_control(ffi::SQLITE_TESTCTRL_RESULT_INTREAL, ctx);
        }
    }
    let (db, stmt) = open_in_memory_and_prepare(c"SELECT 1");
    // SAFETY: `stmt` is valid and finalised before the function is created.
    unsafe { ffi::sqlite3_finalize(stmt) };
    // SAFETY: `db` is open; the name is NUL-terminated; the function has no user data.
    let rc = unsafe {
        ffi::sqlite3_create_function_v2(
            db,
            c"int_real".as_ptr(),
            0,
            ffi::SQLITE_UTF8,
            ptr::null_mut(),
            Some(int_real),
            None,
            None,
            None,
        )
    };
    assert_eq!(rc, ffi::SQLITE_OK);
    let mut stmt = ptr::null_mut();
    // SAFETY: `db` is open; the SQL is NUL-terminated; `stmt` receives the statement.
    let rc = unsafe {
        ffi::sqlite3_prepare_v2(
            db,
            c"SELECT int_real()".as_ptr(),
            -1,
            &mut stmt,
            ptr::null_mut(),
        )
    };
    assert_eq!(rc, ffi::SQLITE_OK);
    // SAFETY: `stmt` is valid; after SQLITE_ROW column 0 exists; `parts` is writable, and
    // FLOAT sets its `real`.
    unsafe {
        assert_eq!(ffi::sqlite3_step(stmt), ffi::SQLITE_ROW);
        let mut parts = std::mem::MaybeUninit::uninit();
        let class = ffi::lite3_column_read(stmt, 0, parts.as_mut_ptr());
        assert_eq!(class, ffi::SQLITE_FLOAT);
        assert_eq!(parts.assume_init().data.real, -42.0);
        assert_eq!(ffi::sqlite3_column_type(stmt, 0), ffi::SQLITE_FLOAT);
        assert_eq!(ffi::sqlite3_column_double(stmt, 0), -42.0);
        assert_eq!(ffi::sqlite3_finalize(stmt), ffi::SQLITE_OK);
        assert_eq!(ffi::sqlite3_close(db), ffi::SQLITE_OK);
    }
}

/// The lock only works if no test forgets it: every `#[test]` in this file takes it first.
#[test]
fn every_test_takes_the_sqlite_lock() {
    let _sqlite = one_test_at_a_time();
    let source = include_str!("raw_api.rs");
    let lines: Vec<&str> = source.lines().collect();
    let mut tests = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "#[test]" {
            tests += 1;
            let first_statement = lines.get(i + 2).map_or("", |l| l.trim());
            assert_eq!(
                first_statement,
                "let _sqlite = one_test_at_a_time();",
                "the test after line {} must take the lock first",
                i + 1
            );
        }
    }
    assert!(tests > 1);
}
