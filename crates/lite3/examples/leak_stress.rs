//! A workload for the leak checkers (`cargo xtask leak`): every kind of C object lite3 owns is
//! created, used on success and error paths, and dropped. `--leak-on-purpose` also leaks one
//! statement and one `sqlite3_malloc` block through the raw API, so the checkers can prove they
//! would notice.

use lite3::functions::{Aggregate, WindowAggregate};
use lite3::{Connection, Context, FunctionFlags, TransactionBehavior, Worker, ffi};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn round(i: i64) -> lite3::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE, data BLOB)")?;
    conn.create_scalar_function("twice", 1, FunctionFlags::DETERMINISTIC, |ctx| {
        Ok(ctx.get::<i64>(0)? * 2)
    })?;
    conn.create_scalar_function(
        "boom",
        0,
        FunctionFlags::empty(),
        |_| -> lite3::Result<i64> { panic!("boom") },
    )?;
    conn.busy_handler(Some(|n: u32| n < 3))?;
    conn.profile(Some(|_: &str, _: std::time::Duration| {}))?;
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for k in 0..20 {
        tx.execute(
            "INSERT INTO t(name, data) VALUES (?1, ?2)",
            (format!("n{i}-{k}"), vec![k as u8; 100]),
        )?;
    }
    {
        let sp = tx.savepoint()?;
        sp.execute("DELETE FROM t", ())?;
    }
    tx.commit()?;
    let dup = conn.execute("INSERT INTO t(name) VALUES (?1)", (format!("n{i}-0"),));
    assert!(dup.is_err());
    assert!(conn.execute("SELECT 1\0", ()).is_err());
    assert!(conn.prepare("SELECT * FROM missing").is_err());
    let mut stmt = conn.prepare("SELECT twice(id), name, data FROM t ORDER BY id")?;
    let mut rows = stmt.query(())?;
    while let Some(row) = rows.next()? {
        let _: (i64, &str, &[u8]) = (row.get(0)?, row.get(1)?, row.get(2)?);
    }
    drop(rows);
    drop(stmt);
    let _ = catch_unwind(AssertUnwindSafe(|| {
        conn.query_row("SELECT boom()", (), |r| r.get::<_, i64>(0))
    }));
    let handle = conn.interrupt_handle();
    std::thread::spawn(move || handle.interrupt())
        .join()
        .expect("interrupt thread");
    borrowed_bindings(&conn, i)?;
    hooks(&mut conn)?;
    aggregates(&conn)?;
    on_demand_and_subtypes(&mut conn)?;
    data_movement(&mut conn)?;
    virtual_tables(&conn)?;
    encryption(i)?;
    #[cfg(feature = "session")]
    sessions(&mut conn)?;
    conn.close().map_err(|(_, e)| e)?;
    wal_hook(i)?;
    wrapping_vfs(i)?;

    let worker = Worker::open_in_memory()?;
    let n: i64 = worker.call(|conn| conn.query_row("SELECT 40 + 2", (), |r| r.get(0)))?;
    assert_eq!(n, 42);
    failure_paths(&worker)?;
    Ok(())
}

/// Text and blobs bound without a copy stay bound after the run, into buffers that are freed
/// right after it: every later use of the statement that does not bind everything again (named
/// parameters leaving one out, a run by hand, expanded SQL, the statement cache) must not read
/// them. Under valgrind or ASan, a read would be reported as a use after free.
fn borrowed_bindings(conn: &Connection, i: i64) -> lite3::Result<()> {
    conn.execute_batch("CREATE TEMP TABLE b(x, y)")?;
    let mut insert = conn.prepare_cached("INSERT INTO b VALUES (:x, :y)")?;
    insert.execute((format!("x{i}").as_str(), vec![1u8; 40].as_slice()))?;
    insert.execute(&[(":x", &format!("x{i}") as &dyn lite3::ToSql), (":x", &1)])?;
    insert.execute((format!("x{i}").as_str(), format!("y{i}").as_str()))?;
    assert_eq!(insert.raw_execute()?, 1);
    insert.execute((format!("x{i}").as_str(), format!("y{i}").as_str()))?;
    assert!(insert.expanded_sql().is_some());
    insert.execute((format!("x{i}").as_str(), format!("y{i}").as_str()))?;
    drop(insert);
    let again = conn.prepare_cached("INSERT INTO b VALUES (:x, :y)")?;
    assert_eq!(
        again.expanded_sql().as_deref(),
        Some("INSERT INTO b VALUES (NULL, NULL)")
    );
    drop(again);
    conn.execute_batch("DROP TABLE b")
}

/// The data-change hooks and the progress handler: set, replaced, vetoing, panicking, and left
/// registered for the close to free.
fn hooks(conn: &mut Connection) -> lite3::Result<()> {
    let captured = String::from("heap state the closure owns");
    conn.update_hook(Some(move |_, _: &str, _: &str, _| {
        let _ = captured.len();
    }))?;
    conn.rollback_hook(Some(|| {}))?;
    conn.progress_handler(50, Some(|| false))?;
    conn.commit_hook(Some(|| true))?;
    assert!(
        conn.execute("INSERT INTO t(name) VALUES ('vetoed')", ())
            .is_err()
    );
    conn.commit_hook(Some(|| panic!("commit hook")))?;
    let _ = catch_unwind(AssertUnwindSafe(|| {
        conn.execute("INSERT INTO t(name) VALUES ('panicked')", ())
    }));
    conn.commit_hook(Some(|| false))?;
    conn.execute("INSERT INTO t(name) VALUES ('committed')", ())?;
    conn.progress_handler(1, Some(|| panic!("progress")))?;
    let _ = catch_unwind(AssertUnwindSafe(|| {
        conn.query_row("SELECT count(*) FROM t", (), |r| r.get::<_, i64>(0))
    }));
    conn.progress_handler(50, Some(|| false))?;
    conn.authorizer(Some(|ctx: lite3::hooks::AuthContext<'_>| {
        match ctx.action {
            lite3::hooks::AuthAction::Delete { .. } => lite3::hooks::Authorization::Deny,
            _ => lite3::hooks::Authorization::Allow,
        }
    }))?;
    assert!(conn.execute("DELETE FROM t", ()).is_err());
    conn.authorizer(Some(
        |_: lite3::hooks::AuthContext<'_>| -> lite3::hooks::Authorization { panic!("authorizer") },
    ))?;
    let _ = catch_unwind(AssertUnwindSafe(|| conn.prepare("SELECT 1").map(drop)));
    conn.authorizer(Some(|_: lite3::hooks::AuthContext<'_>| {
        lite3::hooks::Authorization::Allow
    }))?;
    let traced = String::from("trace state");
    conn.trace_v2(
        lite3::trace::TraceEventCodes::all(),
        Some(move |event: lite3::trace::TraceEvent<'_>| {
            if let lite3::trace::TraceEvent::Row(stmt) = event {
                let _ = (stmt.expanded_sql(), traced.len());
            }
        }),
    )?;
    let _: i64 = conn.query_row("SELECT ?1", (1,), |r| r.get(0))?;
    Ok(())
}

/// A sum whose accumulator is heap state; fails on 7 and panics on 13.
struct Sum;

impl Aggregate<Vec<i64>, i64> for Sum {
    fn init(&self, _: &mut Context<'_>) -> lite3::Result<Vec<i64>> {
        Ok(Vec::new())
    }
    fn step(&self, ctx: &mut Context<'_>, acc: &mut Vec<i64>) -> lite3::Result<()> {
        match ctx.get::<i64>(0)? {
            7 => Err(lite3::Error::UserFunction("seven".into())),
            13 => panic!("thirteen"),
            n => {
                acc.push(n);
                Ok(())
            }
        }
    }
    fn finalize(&self, _: &mut Context<'_>, acc: Option<Vec<i64>>) -> lite3::Result<i64> {
        Ok(acc.map_or(0, |a| a.iter().sum()))
    }
}

impl WindowAggregate<Vec<i64>, i64> for Sum {
    fn value(&self, acc: Option<&mut Vec<i64>>) -> lite3::Result<i64> {
        Ok(acc.map_or(0, |a| a.iter().sum()))
    }
    fn inverse(&self, _: &mut Context<'_>, acc: &mut Vec<i64>) -> lite3::Result<()> {
        acc.remove(0);
        Ok(())
    }
}

/// Aggregates and window functions on success, error, panic and part-way paths, plus aux data.
fn aggregates(conn: &Connection) -> lite3::Result<()> {
    conn.create_window_function("vsum", 1, FunctionFlags::DETERMINISTIC, Sum)?;
    conn.create_scalar_function("tagged", 1, FunctionFlags::DETERMINISTIC, |ctx| {
        let tag = ctx.get_or_create_aux(0, |v| -> lite3::Result<String> {
            Ok(format!("<{}>", v.as_i64()?))
        })?;
        Ok(tag.len() as i64)
    })?;
    let series = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c LIMIT 30)";
    let _: i64 = conn.query_row(
        &format!("{series} SELECT vsum(n) FROM c WHERE n < 7"),
        (),
        |r| r.get(0),
    )?;
    assert!(
        conn.query_row(
            &format!("{series} SELECT vsum(n) FROM c WHERE n < 10"),
            (),
            |r| r.get::<_, i64>(0)
        )
        .is_err()
    );
    let _ = catch_unwind(AssertUnwindSafe(|| {
        conn.query_row(&format!("{series} SELECT vsum(n) FROM c"), (), |r| {
            r.get::<_, i64>(0)
        })
    }));
    let mut stmt = conn.prepare(&format!(
        "{series} SELECT vsum(n) OVER (ROWS 2 PRECEDING) FROM c WHERE n < 7"
    ))?;
    let mut rows = stmt.query(())?;
    rows.next()?; // stopped part-way
    drop(rows);
    drop(stmt);
    let _: i64 = conn.query_row(&format!("{series} SELECT sum(tagged(5)) FROM c"), (), |r| {
        r.get(0)
    })?;
    conn.remove_function("tagged", 1)?;
    conn.create_collation("rev", |a: &str, b: &str| b.cmp(a))?;
    let _: String = conn.query_row(
        "SELECT 'x' UNION SELECT 'y' ORDER BY 1 COLLATE rev",
        (),
        |r| r.get(0),
    )?;
    conn.create_collation("boom", |_: &str, _: &str| -> std::cmp::Ordering {
        panic!("collation")
    })?;
    let _ = catch_unwind(AssertUnwindSafe(|| {
        conn.query_row(
            "SELECT 'x' UNION SELECT 'y' ORDER BY 1 COLLATE boom",
            (),
            |r| r.get::<_, String>(0),
        )
    }));
    conn.remove_collation("boom")?;
    Ok(())
}

/// Backups (complete, dropped part-way, failing on a full destination), blobs (written, read,
/// refused past the end, aborted by a failed reopen, left open for the drop) and serialized
/// databases (copied, lent, handed to SQLite, refused).
fn data_movement(conn: &mut Connection) -> lite3::Result<()> {
    use lite3::MAIN_DB;
    use lite3::backup::{Backup, StepResult};
    use lite3::blob::ZeroBlob;
    use lite3::serialize::OwnedData;

    let mut copy = Connection::open_in_memory()?;
    {
        let backup = Backup::new(conn, &mut copy)?;
        while backup.step(2)? != StepResult::Done {}
    }
    {
        let backup = Backup::new(conn, &mut copy)?;
        backup.step(1)?; // dropped part-way: rolled back
    }
    let full_path = std::env::temp_dir().join(format!("lite3-leak-full-{}.db", std::process::id()));
    {
        let mut full = Connection::open(&full_path)?;
        full.pragma_update(None, "max_page_count", 1)?;
        let backup = Backup::new(conn, &mut full)?;
        assert!(backup.step(-1).is_err());
    }
    let _ = std::fs::remove_file(&full_path);
    conn.execute_batch("CREATE TABLE IF NOT EXISTS files(data BLOB)")?;
    conn.execute("INSERT INTO files VALUES (?1)", (ZeroBlob(64),))?;
    let row = conn.last_insert_rowid();
    {
        let mut blob = conn.blob_open(MAIN_DB, "files", "data", row, false)?;
        blob.write_at(b"payload", 0)?;
        assert!(blob.write_at(b"too far", 60).is_err());
        let mut back = [0u8; 7];
        blob.read_at_exact(&mut back, 0)?;
        assert!(blob.reopen(row + 1000).is_err());
        assert!(blob.read_at_exact(&mut back, 0).is_err());
    }
    let _left_open = conn.blob_open(MAIN_DB, "files", "data", row, true)?;
    drop(_left_open);
    let bytes = conn.serialize(MAIN_DB)?.to_vec();
    let mut shipped = Connection::open_in_memory()?;
    shipped.deserialize(MAIN_DB, OwnedData::from_bytes(&bytes)?, false)?;
    shipped.execute("INSERT INTO files VALUES (zeroblob(5000))", ())?;
    let lent = shipped.serialize(MAIN_DB)?.len();
    assert!(lent > bytes.len());
    let mut junk = Connection::open_in_memory()?;
    junk.deserialize(MAIN_DB, OwnedData::from_bytes(&[7; 512])?, true)?;
    assert!(junk.prepare("SELECT 1 FROM files").is_err());
    assert!(
        junk.deserialize_read_exact(MAIN_DB, &[0u8; 3][..], 100, false)
            .is_err()
    );
    Ok(())
}

/// An encrypted database: open, write, a wrong key, rekey, decrypt and encrypt again, and a
/// refused backup across encryption; every key is a heap object lite3 must free (and wipe).
fn encryption(i: i64) -> lite3::Result<()> {
    use lite3::encryption::{Cipher, Encryption, Key};
    let path = std::env::temp_dir().join(format!("lite3-leak-enc-{}-{i}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let secret = Encryption::new(Key::passphrase(format!("secret {i}"))).cipher(Cipher::Aegis);
    {
        let conn = Connection::open_encrypted(&path, &secret)?;
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (randomblob(3000))")?;
        assert!(
            conn.backup(
                lite3::MAIN_DB,
                path.with_extension("copy"),
                None::<fn(lite3::backup::Progress)>
            )
            .is_err()
        );
        conn.rekey(&Key::raw([i as u8; 32]))?;
    }
    let wrong = Encryption::new(Key::passphrase("wrong"));
    assert!(Connection::open_encrypted(&path, &wrong).is_err());
    assert!(Connection::open(&path).is_err());
    let raw = Encryption::new(Key::raw([i as u8; 32])).cipher(Cipher::Aegis);
    {
        let conn = Connection::open_encrypted(&path, &raw)?;
        conn.decrypt()?;
        conn.encrypt(&secret)?;
    }
    let _ = std::fs::remove_file(&path);
    Ok(())
}

/// Virtual tables: the bundled modules, pointer-bound arrays (kept by a cached statement,
/// refused when of the wrong type), and a module with aux data whose methods fail and panic,
/// left registered and connected for the close to free.
fn virtual_tables(conn: &Connection) -> lite3::Result<()> {
    use lite3::types::{ToSqlOutput, Value};
    use lite3::vtab::{
        Context, Filters, IndexInfo, Module, VTab, VTabConnection, VTabCursor, array, series,
    };
    use std::borrow::Cow;
    use std::ffi::{CStr, c_int};
    use std::rc::Rc;

    /// `faulty(mode)`: one row; `mode` 1 fails in filter, 2 panics in column.
    struct Faulty(String);
    struct FaultyCursor(i64, String);
    impl VTab for Faulty {
        type Aux = String;
        type Cursor = FaultyCursor;
        fn connect(
            _: &mut VTabConnection,
            aux: Option<&String>,
            _: &[u8],
            _: &[u8],
            _: &[u8],
            _: &[&[u8]],
        ) -> lite3::Result<(Cow<'static, CStr>, Self)> {
            Ok((
                Cow::Borrowed(c"CREATE TABLE x(v, mode HIDDEN)"),
                Faulty(aux.cloned().unwrap_or_default()),
            ))
        }
        fn best_index(&self, info: &mut IndexInfo) -> lite3::Result<bool> {
            if let Some(i) = info
                .constraints()
                .position(|c| c.is_usable() && c.column() == 1)
            {
                let mut usage = info.constraint_usage(i);
                usage.set_argv_index(1);
                usage.set_omit(true);
            }
            info.set_idx_str(&self.0);
            Ok(true)
        }
        fn open(&mut self) -> lite3::Result<FaultyCursor> {
            Ok(FaultyCursor(0, self.0.clone()))
        }
    }
    impl VTabCursor for FaultyCursor {
        fn filter(&mut self, _: c_int, idx: Option<&str>, args: &Filters<'_>) -> lite3::Result<()> {
            self.0 = args.get::<Option<i64>>(0).ok().flatten().unwrap_or(0);
            self.1 = idx.unwrap_or_default().to_owned();
            if self.0 == 1 {
                return Err(lite3::Error::ModuleError(format!("refused: {}", self.1)));
            }
            Ok(())
        }
        fn next(&mut self) -> lite3::Result<()> {
            self.0 = -1;
            Ok(())
        }
        fn eof(&self) -> bool {
            self.0 < 0
        }
        fn column(&self, ctx: &mut Context, _: c_int) -> lite3::Result<()> {
            assert!(self.0 != 2, "faulty panicked");
            ctx.set_result(self.1.as_str())
        }
        fn rowid(&self) -> lite3::Result<i64> {
            Ok(1)
        }
    }
    const FAULTY: Module<Faulty> = Module::eponymous_only_module();

    series::load_module(conn)?;
    array::load_module(conn)?;
    conn.create_module("faulty", &FAULTY, Some("aux text".to_owned()))?;
    let n: i64 = conn.query_row("SELECT sum(value) FROM generate_series(1, 50)", (), |r| {
        r.get(0)
    })?;
    assert_eq!(n, 1275);
    let values: array::Array = Rc::new((0..20).map(Value::from).collect());
    {
        let mut stmt = conn.prepare_cached("SELECT count(*) FROM rarray(?1)")?;
        let n: i64 = stmt.query_row([&values], |r| r.get(0))?;
        assert_eq!(n, 20);
    }
    let wrong = ToSqlOutput::new_boxed(vec![1_u8], c"rarray");
    assert!(
        conn.query_row("SELECT count(*) FROM rarray(?1)", [wrong], |r| r
            .get::<_, i64>(0))
            .is_err()
    );
    let text: String = conn.query_row("SELECT v FROM faulty(0)", (), |r| r.get(0))?;
    assert_eq!(text, "aux text");
    assert!(
        conn.query_row("SELECT v FROM faulty(1)", (), |r| r.get::<_, String>(0))
            .is_err()
    );
    let _ = catch_unwind(AssertUnwindSafe(|| {
        conn.query_row("SELECT v FROM faulty(2)", (), |r| r.get::<_, String>(0))
    }));
    #[cfg(feature = "csvtab")]
    {
        lite3::vtab::csvtab::load_module(conn)?;
        conn.execute_batch(
            "CREATE VIRTUAL TABLE temp.people USING csv(data = 'name,age\nAda,36', header = yes)",
        )?;
        let name: String = conn.query_row("SELECT name FROM people", (), |r| r.get(0))?;
        assert_eq!(name, "Ada");
        assert!(
            conn.execute(
                "CREATE VIRTUAL TABLE temp.bad USING csv(header = maybe)",
                ()
            )
            .is_err()
        );
    }
    Ok(())
}

/// Sessions, changesets (inverted, concatenated, grouped, streamed, iterated part-way) and
/// applies that succeed, conflict, abort and panic.
#[cfg(feature = "session")]
fn sessions(conn: &mut Connection) -> lite3::Result<()> {
    use lite3::hooks::{Action, PreUpdateCase};
    use lite3::session::{Changegroup, Changeset, ConflictAction, Session};
    // The preupdate hook left by an earlier step excludes sessions until it is removed.
    assert!(Session::new(conn).is_err());
    conn.preupdate_hook(None::<fn(Action, &str, &str, &PreUpdateCase)>)?;
    let conn = &*conn;
    conn.execute_batch("CREATE TABLE IF NOT EXISTS kv(k TEXT PRIMARY KEY, v)")?;
    let changes = {
        let mut session = Session::new(conn)?;
        let kept = String::from("filter state");
        session.table_filter(Some(move |t: &str| t.len() < kept.len()));
        session.attach(None::<&str>)?;
        conn.execute("INSERT OR REPLACE INTO kv VALUES ('a', 1), ('b', 2)", ())?;
        let mut streamed = Vec::new();
        session.patchset_strm(&mut streamed)?;
        session.changeset()?
    };
    let both = Changeset::concat(&changes, &changes.invert()?)?;
    let mut group = Changegroup::new()?;
    group.add(&changes)?;
    group.add_stream(&mut both.as_bytes())?;
    drop(group.output()?);
    let mut iter = changes.iter()?;
    iter.next()?; // stopped part-way
    drop(iter);
    let replica = Connection::open_in_memory()?;
    replica
        .execute_batch("CREATE TABLE kv(k TEXT PRIMARY KEY, v); INSERT INTO kv VALUES ('a', 9)")?;
    assert!(
        replica
            .apply(&changes, None::<fn(&str) -> bool>, |_, _| {
                ConflictAction::SQLITE_CHANGESET_ABORT
            })
            .is_err()
    );
    let _ = catch_unwind(AssertUnwindSafe(|| {
        replica.apply(
            &changes,
            None::<fn(&str) -> bool>,
            |_, _| -> ConflictAction { panic!("conflict handler") },
        )
    }));
    replica.apply(&changes, Some(|_: &str| true), |_, _| {
        ConflictAction::SQLITE_CHANGESET_REPLACE
    })?;
    assert!(
        replica
            .apply(
                &Changeset::from_bytes(&[0x54, 1, 2])?,
                None::<fn(&str) -> bool>,
                |_, _| { ConflictAction::SQLITE_CHANGESET_OMIT }
            )
            .is_err()
    );
    Ok(())
}

/// Creates `by_len` when a statement asks for it.
fn make_collation(conn: &Connection, name: &str) -> lite3::Result<()> {
    if name == "by_len" {
        conn.create_collation(name, |a: &str, b: &str| a.len().cmp(&b.len()))?;
    }
    Ok(())
}

/// Collations on demand (found, missing), result subtypes and the preupdate hook (reading,
/// panicking, replaced, left registered for the close).
fn on_demand_and_subtypes(conn: &mut Connection) -> lite3::Result<()> {
    conn.collation_needed(make_collation)?;
    let _: String = conn.query_row(
        "SELECT 'ab' UNION SELECT 'c' ORDER BY 1 COLLATE by_len",
        (),
        |r| r.get(0),
    )?;
    assert!(conn.prepare("SELECT 1 ORDER BY 1 COLLATE nothing").is_err());
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_RESULT_SUBTYPE;
    conn.create_scalar_function("tag", 1, flags, |ctx| {
        let tag: lite3::functions::SubType = Some(7);
        Ok((ctx.get::<String>(0)?, tag))
    })?;
    let _: String = conn.query_row("SELECT tag('x')", (), |r| r.get(0))?;
    #[cfg(feature = "preupdate_hook")]
    {
        use lite3::hooks::PreUpdateCase;
        let kept = String::from("preupdate state");
        conn.preupdate_hook(Some(move |_, _: &str, _: &str, case: &PreUpdateCase| {
            if let PreUpdateCase::Update {
                old_value_accessor, ..
            } = case
            {
                let _ = (
                    old_value_accessor
                        .get_old_column_value(1)
                        .map(|v| v.data_type()),
                    kept.len(),
                );
            }
        }))?;
        conn.execute("UPDATE t SET name = name || '!'", ())?;
        conn.preupdate_hook(Some(|_, _: &str, _: &str, _: &PreUpdateCase| {
            panic!("preupdate")
        }))?;
        let _ = catch_unwind(AssertUnwindSafe(|| conn.execute("DELETE FROM t", ())));
        conn.preupdate_hook(Some(|_, _: &str, _: &str, _: &PreUpdateCase| {}))?;
    }
    Ok(())
}

/// The WAL hook on a file database: checkpointing from inside, failing after the commit,
/// panicking, removed, and left registered for the close.
fn wal_hook(i: i64) -> lite3::Result<()> {
    use lite3::hooks::Wal;
    let path = std::env::temp_dir().join(format!("lite3-leak-wal-{}-{i}.db", std::process::id()));
    {
        let mut conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        conn.execute_batch("CREATE TABLE t(x)")?;
        let kept = String::from("wal hook state");
        conn.wal_hook(Some(move |wal: &mut Wal, _| {
            let _ = kept.len();
            wal.checkpoint()
        }))?;
        conn.execute("INSERT INTO t VALUES (1)", ())?;
        conn.wal_hook(Some(|_: &mut Wal, _| {
            Err(lite3::Error::UserFunction("offline".into()))
        }))?;
        assert!(conn.execute("INSERT INTO t VALUES (2)", ()).is_err());
        conn.wal_hook(Some(|_: &mut Wal, _| -> lite3::Result<()> {
            panic!("wal hook")
        }))?;
        let _ = catch_unwind(AssertUnwindSafe(|| {
            conn.execute("INSERT INTO t VALUES (3)", ())
        }));
        conn.wal_hook(None::<fn(&mut Wal, i32) -> lite3::Result<()>>)?;
        conn.wal_hook(Some(|_: &mut Wal, _| Ok(())))?;
        conn.execute("INSERT INTO t VALUES (4)", ())?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(())
}

/// A wrapping VFS (registered once: it lives for the process): its files are lite3's header
/// plus the base VFS's file in SQLite's allocation, in WAL mode with its shared memory, with a
/// wrapper method that fails and one that panics.
fn wrapping_vfs(i: i64) -> lite3::Result<()> {
    use lite3::vfs::{self, File, IoError, IoResult, Wrapper};
    use std::sync::atomic::{AtomicU8, Ordering::Relaxed};
    /// 0: pass through; 1: fail writes; 2: panic on writes.
    struct Moody(AtomicU8);
    impl Wrapper for Moody {
        fn write(&self, file: &File<'_>, data: &[u8], offset: u64) -> IoResult<()> {
            match self.0.load(Relaxed) {
                0 => file.write(data, offset),
                1 => Err(IoError::FULL),
                _ => panic!("wrapper"),
            }
        }
    }
    static MOODY: std::sync::OnceLock<&'static Moody> = std::sync::OnceLock::new();
    let moody = match MOODY.get() {
        Some(moody) => *moody,
        None => {
            *MOODY.get_or_init(|| vfs::register("leak-stress", Moody(AtomicU8::new(0))).unwrap())
        }
    };
    let path = std::env::temp_dir().join(format!("lite3-leak-vfs-{}-{i}.db", std::process::id()));
    {
        let conn =
            Connection::open_with_flags_and_vfs(&path, lite3::OpenFlags::default(), "leak-stress")?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (zeroblob(5000));")?;
        moody.0.store(1, Relaxed);
        assert!(
            conn.execute("INSERT INTO t VALUES (zeroblob(5000))", ())
                .is_err()
        );
        moody.0.store(2, Relaxed);
        let _ = catch_unwind(AssertUnwindSafe(|| {
            conn.execute("INSERT INTO t VALUES (zeroblob(5000))", ())
        }));
        moody.0.store(0, Relaxed);
        let rows: i64 = conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0))?;
        assert_eq!(rows, 1);
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    Ok(())
}

/// The failure rules' own paths: a transaction SQLite rolled back (refused statements, a
/// refused commit), a Worker call that left a transaction open, a re-entrant Worker call, and a
/// panicking `on_open`.
fn failure_paths(worker: &Worker) -> lite3::Result<()> {
    let mut conn = Connection::open_in_memory()?;
    conn.execute_batch("CREATE TABLE t(x)")?;
    let handle = conn.interrupt_handle();
    conn.create_scalar_function("interrupt_me", 0, FunctionFlags::empty(), move |_| {
        handle.interrupt();
        Ok(0)
    })?;
    let tx = conn.transaction()?;
    let mut insert = tx.prepare("INSERT INTO t VALUES (?1)")?;
    insert.execute(("kept until the rollback",))?;
    let interrupted = tx.execute(
        "WITH RECURSIVE c(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM c WHERE v < 10000) \
         INSERT INTO t SELECT interrupt_me() + v FROM c",
        (),
    );
    assert!(interrupted.is_err());
    assert!(insert.execute(("refused",)).is_err());
    drop(insert);
    assert!(tx.commit().is_err());

    let left_open = worker.call(|conn| conn.execute_batch("BEGIN; SELECT 1;"));
    assert!(matches!(
        left_open,
        Err(lite3::Error::TransactionLeftOpen { .. })
    ));
    let inner = worker.clone();
    let nested = worker.call(move |_| Ok(inner.call(|_| Ok(())).is_err()))?;
    assert!(nested);
    let panicked = catch_unwind(|| {
        Worker::builder(":memory:")
            .on_open(|_| panic!("on_open"))
            .build()
    });
    assert!(panicked.is_err());
    Ok(())
}

fn leak_on_purpose() {
    let conn = Connection::open_in_memory().expect("open");
    let mut stmt = std::ptr::null_mut();
    // SAFETY: the handle is open; the statement is deliberately never finalised.
    let rc = unsafe {
        ffi::sqlite3_prepare_v2(
            conn.handle(),
            c"SELECT 1".as_ptr(),
            -1,
            &mut stmt,
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, ffi::SQLITE_OK);
    // SAFETY: a plain allocation, deliberately never freed.
    let block = unsafe { ffi::sqlite3_malloc(64) };
    assert!(!block.is_null());
    drop(conn); // close_v2 leaves a zombie connection behind the unfinalised statement
    println!("leaked one statement and one sqlite3_malloc block on purpose");
}

/// SQLite's error log, set up before the first connection; it sees the workload's failures.
fn log_entry(_code: i32, message: &str) {
    let _ = message.len();
}

fn main() -> lite3::Result<()> {
    // The workload panics on purpose inside a user function; keep the output quiet (set
    // LEAK_STRESS_PANICS to see every panic when an assertion of the workload itself fails).
    if std::env::var_os("LEAK_STRESS_PANICS").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
    lite3::trace::config_log(Some(log_entry))?;
    let rounds = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(100);
    for i in 0..rounds {
        round(i)?;
    }
    if std::env::args().any(|a| a == "--leak-on-purpose") {
        leak_on_purpose();
    }
    println!(
        "{rounds} rounds done; C bytes in use: {:?}",
        lite3::memory().map(|m| m.bytes_in_use)
    );
    Ok(())
}
