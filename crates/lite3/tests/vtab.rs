//! Virtual tables under the callback rules: the bundled modules (generate_series, rarray)
//! give what they promise on good and bad input; a user's module gets its panics resumed and
//! its errors delivered as returned; re-entering a table is an error, not an aliased `&mut`;
//! tables, cursors and aux data are freed exactly once; a writable module sees inserts,
//! updates, deletes and the transaction around them.

mod common;

use common::sqlite_turn;
use lite3::types::{ToSqlOutput, Value};
use lite3::vtab::array::{self, Array};
use lite3::vtab::{
    Context, CreateVTab, Filters, IndexInfo, Inserts, Module, TransactionVTab, UpdateVTab, Updates,
    VTab, VTabConnection, VTabCursor, VTabKind, series,
};
use lite3::{Connection, Error, Result, ValueRef};
use std::borrow::Cow;
use std::cell::RefCell;
use std::ffi::{CStr, c_int};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn column(conn: &Connection, sql: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(sql)?;
    stmt.query_map((), |r| r.get::<_, i64>(0))?.collect()
}

#[test]
fn generate_series_counts_as_sqlite_does() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    series::load_module(&conn).unwrap();
    let series = |sql: &str| column(&conn, sql).unwrap();
    assert_eq!(
        series("SELECT value FROM generate_series(0, 20, 5)"),
        [0, 5, 10, 15, 20]
    );
    assert_eq!(
        series("SELECT value FROM generate_series(1, 10, -4)"),
        [9, 5, 1]
    );
    assert_eq!(
        series("SELECT value FROM generate_series(3, 5, 0)"),
        [3, 4, 5]
    );
    assert_eq!(
        series("SELECT value FROM generate_series(1, 5) ORDER BY value DESC"),
        [5, 4, 3, 2, 1]
    );
    assert_eq!(
        series("SELECT value FROM generate_series(1, 10, -4) ORDER BY value"),
        [1, 5, 9]
    );
    assert!(series("SELECT value FROM generate_series(5, 1)").is_empty());
    assert!(series("SELECT value FROM generate_series(1, NULL)").is_empty());
    assert_eq!(
        series("SELECT count(*) FROM generate_series(4294967290)"),
        [6],
        "stop defaults to 4294967295"
    );
    assert_eq!(
        series("SELECT start + stop + step FROM generate_series(2, 4, 2) LIMIT 1"),
        [8],
        "the hidden columns hold the arguments"
    );
    // As the inner side of a join, filtered again for each outer row.
    assert_eq!(
        series(
            "SELECT a.value * 10 + b.value FROM generate_series(1, 3) a, generate_series(1, a.value) b"
        ),
        [11, 21, 22, 31, 32, 33]
    );
}

#[test]
fn generate_series_ends_at_the_edges_of_the_integers_instead_of_wrapping() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    series::load_module(&conn).unwrap();
    let max = i64::MAX;
    let up = column(
        &conn,
        &format!("SELECT value FROM generate_series({}, {max}, 3)", max - 7),
    )
    .unwrap();
    assert_eq!(up, [max - 7, max - 4, max - 1]);
    let down = column(
        &conn,
        &format!(
            "SELECT value FROM generate_series({}, {}, -5)",
            i64::MIN,
            i64::MIN + 12
        ),
    )
    .unwrap();
    assert_eq!(down, [i64::MIN + 10, i64::MIN + 5, i64::MIN]);
    let whole = column(
        &conn,
        &format!(
            "SELECT count(*) FROM generate_series({}, {max}, {max})",
            i64::MIN
        ),
    )
    .unwrap();
    assert_eq!(whole, [3]);
    let err = column(&conn, "SELECT value FROM generate_series('a', 3)").unwrap_err();
    assert!(
        err.to_string().contains("argument 0"),
        "a text argument is named: {err}"
    );
}

#[test]
fn rarray_reads_the_bound_vector_and_lets_go_of_it() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    array::load_module(&conn).unwrap();
    conn.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY); INSERT INTO t SELECT value FROM (WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM c WHERE value < 10) SELECT value FROM c);")
        .unwrap();
    let ids: Array = Rc::new([2, 3, 5, 7].map(Value::from).to_vec());
    {
        let mut stmt = conn
            .prepare_cached("SELECT id FROM t WHERE id IN rarray(?1) ORDER BY id")
            .unwrap();
        let found: Vec<i64> = stmt
            .query_map([&ids], |r| r.get(0))
            .unwrap()
            .collect::<Result<_>>()
            .unwrap();
        assert_eq!(found, [2, 3, 5, 7]);
        let empty: Array = Rc::new(Vec::new());
        assert_eq!(
            stmt.query_map([&empty], |r| r.get::<_, i64>(0))
                .unwrap()
                .count(),
            0
        );
    }
    assert_eq!(
        Rc::strong_count(&ids),
        1,
        "the cached statement's binding was cleared"
    );
    let mixed: Array = Rc::new(vec![Value::from("x"), Value::Null, Value::from(1.5)]);
    let kinds: Vec<String> = conn
        .prepare("SELECT typeof(value) FROM rarray(?1)")
        .unwrap()
        .query_map([&mixed], |r| r.get(0))
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(kinds, ["text", "null", "real"]);
    assert_eq!(Rc::strong_count(&mixed), 1, "the statement was finalised");
    assert!(
        column(&conn, "SELECT value FROM rarray(NULL)")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn rarray_refuses_what_is_not_an_array() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    array::load_module(&conn).unwrap();
    let err = column(&conn, "SELECT value FROM rarray(5)").unwrap_err();
    assert!(matches!(err, Error::ModuleError(_)), "{err:?}");
    // The same pointer type name with another Rust type behind it is not read as an array.
    let impostor = ToSqlOutput::new_boxed(5_u8, c"rarray");
    let err = conn
        .query_row("SELECT count(*) FROM rarray(?1)", [impostor], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(matches!(err, Error::ModuleError(_)), "{err:?}");
    // SQL sees a pointer as NULL.
    let array: Array = Rc::new(vec![Value::from(1)]);
    let null: bool = conn
        .query_row("SELECT ?1 IS NULL", [&array], |r| r.get(0))
        .unwrap();
    assert!(null);
}

/// How a [`Probe`] misbehaves: in which method, and how.
#[derive(Clone, Copy, PartialEq)]
enum Misbehave {
    Nowhere,
    Fail(&'static str),
    Panic(&'static str),
    RefuseEveryPlan,
}

#[derive(Debug)]
struct Refused(&'static str);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the probe refused in {}", self.0)
    }
}

impl std::error::Error for Refused {}

/// What a probe module shares: its misbehaviour and how many of its objects were dropped.
struct ProbeAux {
    misbehave: Misbehave,
    tables: Arc<AtomicUsize>,
    cursors: Arc<AtomicUsize>,
    aux: Arc<AtomicUsize>,
}

impl Drop for ProbeAux {
    fn drop(&mut self) {
        self.aux.fetch_add(1, Ordering::Relaxed);
    }
}

struct Probe {
    misbehave: Misbehave,
    tables: Arc<AtomicUsize>,
    cursors: Arc<AtomicUsize>,
}

impl Drop for Probe {
    fn drop(&mut self) {
        self.tables.fetch_add(1, Ordering::Relaxed);
    }
}

fn misbehave(how: Misbehave, method: &'static str) -> Result<()> {
    match how {
        Misbehave::Fail(m) if m == method => Err(Error::UserFunction(Box::new(Refused(method)))),
        Misbehave::Panic(m) if m == method => panic!("probe panicked in {method}"),
        _ => Ok(()),
    }
}

impl VTab for Probe {
    type Aux = ProbeAux;
    type Cursor = ProbeCursor;

    fn connect(
        _db: &mut VTabConnection,
        aux: Option<&ProbeAux>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        let aux = aux.expect("registered with aux");
        misbehave(aux.misbehave, "connect")?;
        Ok((
            Cow::Borrowed(c"CREATE TABLE x(n)"),
            Probe {
                misbehave: aux.misbehave,
                tables: Arc::clone(&aux.tables),
                cursors: Arc::clone(&aux.cursors),
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        misbehave(self.misbehave, "best_index")?;
        info.set_estimated_cost(3.0);
        Ok(self.misbehave != Misbehave::RefuseEveryPlan)
    }

    fn open(&mut self) -> Result<ProbeCursor> {
        misbehave(self.misbehave, "open")?;
        Ok(ProbeCursor {
            misbehave: self.misbehave,
            row: 0,
            dropped: Arc::clone(&self.cursors),
        })
    }
}

struct ProbeCursor {
    misbehave: Misbehave,
    row: i64,
    dropped: Arc<AtomicUsize>,
}

impl Drop for ProbeCursor {
    fn drop(&mut self) {
        self.dropped.fetch_add(1, Ordering::Relaxed);
    }
}

impl VTabCursor for ProbeCursor {
    fn filter(&mut self, _: c_int, _: Option<&str>, _: &Filters<'_>) -> Result<()> {
        misbehave(self.misbehave, "filter")?;
        self.row = 1;
        Ok(())
    }
    fn next(&mut self) -> Result<()> {
        misbehave(self.misbehave, "next")?;
        self.row += 1;
        Ok(())
    }
    fn eof(&self) -> bool {
        if self.misbehave == Misbehave::Panic("eof") {
            panic!("probe panicked in eof");
        }
        self.row > 3
    }
    fn column(&self, ctx: &mut Context, _: c_int) -> Result<()> {
        misbehave(self.misbehave, "column")?;
        ctx.set_result(self.row)
    }
    fn rowid(&self) -> Result<i64> {
        misbehave(self.misbehave, "rowid")?;
        Ok(self.row)
    }
}

const PROBE: Module<Probe> = Module::eponymous_only_module();

struct Counts {
    tables: Arc<AtomicUsize>,
    cursors: Arc<AtomicUsize>,
    aux: Arc<AtomicUsize>,
}

fn register_probe(conn: &Connection, name: &str, misbehave: Misbehave) -> Counts {
    let counts = Counts {
        tables: Arc::default(),
        cursors: Arc::default(),
        aux: Arc::default(),
    };
    let aux = ProbeAux {
        misbehave,
        tables: Arc::clone(&counts.tables),
        cursors: Arc::clone(&counts.cursors),
        aux: Arc::clone(&counts.aux),
    };
    conn.create_module(name, &PROBE, Some(aux)).unwrap();
    counts
}

#[test]
fn an_error_from_any_method_reaches_the_caller_as_returned() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    for method in [
        "connect",
        "best_index",
        "open",
        "filter",
        "next",
        "column",
        "rowid",
    ] {
        let name = format!("probe_{method}");
        register_probe(&conn, &name, Misbehave::Fail(method));
        let err = column(&conn, &format!("SELECT n + rowid FROM {name}")).unwrap_err();
        let Error::UserFunction(source) = &err else {
            panic!("{method}: not the probe's error: {err:?}");
        };
        let refused = source
            .downcast_ref::<Refused>()
            .expect("the value returned");
        assert_eq!(refused.0, method);
        assert_eq!(
            column(&conn, "SELECT 1").unwrap(),
            [1],
            "{method}: the connection goes on"
        );
    }
}

#[test]
fn a_panic_in_any_method_resumes_in_the_caller() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    for method in [
        "connect",
        "best_index",
        "open",
        "filter",
        "next",
        "eof",
        "column",
        "rowid",
    ] {
        let name = format!("probe_{method}");
        let counts = register_probe(&conn, &name, Misbehave::Panic(method));
        let sql = format!("SELECT n + rowid FROM {name}");
        let outcome = catch_unwind(AssertUnwindSafe(|| column(&conn, &sql)));
        let payload = outcome.expect_err(method);
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        assert_eq!(message, format!("probe panicked in {method}"));
        assert_eq!(column(&conn, "SELECT 2").unwrap(), [2], "{method}");
        if !matches!(method, "connect" | "best_index" | "open") {
            assert!(
                counts.cursors.load(Ordering::Relaxed) >= 1,
                "{method}: the cursor was closed"
            );
        }
    }
}

#[test]
fn a_module_that_refuses_every_plan_fails_the_statement() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    register_probe(&conn, "picky", Misbehave::RefuseEveryPlan);
    let err = column(&conn, "SELECT n FROM picky").unwrap_err();
    assert!(err.sqlite_error().is_some(), "{err:?}");
}

#[test]
fn tables_cursors_and_aux_are_freed_exactly_once() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let counts = register_probe(&conn, "probe", Misbehave::Nowhere);
    for _ in 0..3 {
        assert_eq!(column(&conn, "SELECT n FROM probe").unwrap(), [1, 2, 3]);
    }
    assert_eq!(counts.cursors.load(Ordering::Relaxed), 3);
    assert_eq!(counts.tables.load(Ordering::Relaxed), 0, "still connected");
    // Registering the name again lets go of the first module's aux.
    let again = register_probe(&conn, "probe", Misbehave::Nowhere);
    drop(conn);
    assert_eq!(counts.tables.load(Ordering::Relaxed), 1);
    assert_eq!(counts.aux.load(Ordering::Relaxed), 1);
    assert_eq!(again.aux.load(Ordering::Relaxed), 1);
    // A module whose registration is refused before SQLite is called drops its aux at once.
    let conn = Connection::open_in_memory().unwrap();
    let aux = Arc::new(AtomicUsize::new(0));
    let refused = conn.create_module(
        "bad\0name",
        &PROBE,
        Some(ProbeAux {
            misbehave: Misbehave::Nowhere,
            tables: Arc::default(),
            cursors: Arc::default(),
            aux: Arc::clone(&aux),
        }),
    );
    assert!(matches!(refused, Err(Error::Nul { .. })));
    assert_eq!(aux.load(Ordering::Relaxed), 1);
}

#[test]
fn a_cursor_may_query_other_tables_of_its_connection() {
    let _turn = sqlite_turn();
    let conn = Rc::new(Connection::open_in_memory().unwrap());
    conn.execute_batch("CREATE TABLE plain(x); INSERT INTO plain VALUES (40);")
        .unwrap();
    struct Lookup;
    struct LookupCursor(Option<i64>);
    thread_local! {
        static CONN: RefCell<Option<Rc<Connection>>> = const { RefCell::new(None) };
    }
    impl VTab for Lookup {
        type Aux = ();
        type Cursor = LookupCursor;
        fn connect(
            _: &mut VTabConnection,
            _: Option<&()>,
            _: &[u8],
            _: &[u8],
            _: &[u8],
            _: &[&[u8]],
        ) -> Result<(Cow<'static, CStr>, Self)> {
            Ok((Cow::Borrowed(c"CREATE TABLE x(v)"), Lookup))
        }
        fn best_index(&self, _: &mut IndexInfo) -> Result<bool> {
            Ok(true)
        }
        fn open(&mut self) -> Result<LookupCursor> {
            Ok(LookupCursor(None))
        }
    }
    impl VTabCursor for LookupCursor {
        fn filter(&mut self, _: c_int, _: Option<&str>, _: &Filters<'_>) -> Result<()> {
            let conn = CONN.with(|c| c.borrow().clone()).unwrap();
            self.0 = Some(conn.query_row("SELECT x + 2 FROM plain", (), |r| r.get(0))?);
            Ok(())
        }
        fn next(&mut self) -> Result<()> {
            self.0 = None;
            Ok(())
        }
        fn eof(&self) -> bool {
            self.0.is_none()
        }
        fn column(&self, ctx: &mut Context, _: c_int) -> Result<()> {
            ctx.set_result(self.0)
        }
        fn rowid(&self) -> Result<i64> {
            Ok(1)
        }
    }
    const LOOKUP: Module<Lookup> = Module::eponymous_only_module();
    CONN.with(|c| *c.borrow_mut() = Some(Rc::clone(&conn)));
    conn.create_module("lookup", &LOOKUP, None).unwrap();
    assert_eq!(column(&conn, "SELECT v FROM lookup").unwrap(), [42]);
    CONN.with(|c| c.borrow_mut().take());
}

/// A writable table over a shared map, recording the transaction calls it gets.
struct Kv {
    rows: Arc<Mutex<Vec<(i64, String)>>>,
    log: Arc<Mutex<Vec<&'static str>>>,
}

struct KvAux {
    rows: Arc<Mutex<Vec<(i64, String)>>>,
    log: Arc<Mutex<Vec<&'static str>>>,
}

thread_local! {
    /// The connection a `Kv` method uses to query itself, in the re-entry test.
    static KV_CONN: RefCell<Option<Rc<Connection>>> = const { RefCell::new(None) };
}

impl VTab for Kv {
    type Aux = KvAux;
    type Cursor = KvCursor;

    fn connect(
        _: &mut VTabConnection,
        aux: Option<&KvAux>,
        _: &[u8],
        _: &[u8],
        _: &[u8],
        _: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        let aux = aux.unwrap();
        Ok((
            Cow::Borrowed(c"CREATE TABLE x(v TEXT)"),
            Kv {
                rows: Arc::clone(&aux.rows),
                log: Arc::clone(&aux.log),
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        info.set_estimated_cost(10.0);
        Ok(true)
    }

    fn open(&mut self) -> Result<KvCursor> {
        Ok(KvCursor {
            rows: self.rows.lock().unwrap().clone(),
            at: 0,
        })
    }
}

impl CreateVTab for Kv {
    const KIND: VTabKind = VTabKind::Default;

    fn destroy(&self) -> Result<()> {
        self.log.lock().unwrap().push("destroy");
        Ok(())
    }
}

impl UpdateVTab for Kv {
    fn delete(&mut self, rowid: ValueRef<'_>) -> Result<()> {
        let rowid = rowid.as_i64()?;
        self.rows.lock().unwrap().retain(|(id, _)| *id != rowid);
        Ok(())
    }

    fn insert(&mut self, args: &Inserts<'_>) -> Result<i64> {
        let value: String = args.get(2)?;
        if value == "query myself" {
            let conn = KV_CONN.with(|c| c.borrow().clone()).unwrap();
            conn.query_row("SELECT count(*) FROM kv", (), |r| r.get::<_, i64>(0))?;
        }
        if value == "refuse" {
            return Err(Error::UserFunction(Box::new(Refused("insert"))));
        }
        let mut rows = self.rows.lock().unwrap();
        let rowid = match args.get::<Option<i64>>(1)? {
            Some(rowid) => rowid,
            None => rows.iter().map(|(id, _)| id + 1).max().unwrap_or(1),
        };
        rows.push((rowid, value));
        Ok(rowid)
    }

    fn update(&mut self, args: &Updates<'_>) -> Result<()> {
        let (old, new): (i64, i64) = (args.get(0)?, args.get(1)?);
        let value: String = args.get(2)?;
        let mut rows = self.rows.lock().unwrap();
        for row in rows.iter_mut().filter(|(id, _)| *id == old) {
            *row = (new, value.clone());
        }
        Ok(())
    }
}

impl TransactionVTab for Kv {
    fn begin(&mut self) -> Result<()> {
        self.log.lock().unwrap().push("begin");
        Ok(())
    }
    fn commit(&mut self) -> Result<()> {
        self.log.lock().unwrap().push("commit");
        Ok(())
    }
    fn rollback(&mut self) -> Result<()> {
        self.log.lock().unwrap().push("rollback");
        Ok(())
    }
}

struct KvCursor {
    rows: Vec<(i64, String)>,
    at: usize,
}

impl VTabCursor for KvCursor {
    fn filter(&mut self, _: c_int, _: Option<&str>, _: &Filters<'_>) -> Result<()> {
        self.at = 0;
        Ok(())
    }
    fn next(&mut self) -> Result<()> {
        self.at += 1;
        Ok(())
    }
    fn eof(&self) -> bool {
        self.at >= self.rows.len()
    }
    fn column(&self, ctx: &mut Context, _: c_int) -> Result<()> {
        ctx.set_result(self.rows[self.at].1.as_str())
    }
    fn rowid(&self) -> Result<i64> {
        Ok(self.rows[self.at].0)
    }
}

const KV: Module<Kv> = Module::update_module_with_tx();

/// The rows of a `Kv` table and the transaction calls it saw.
type KvRows = Arc<Mutex<Vec<(i64, String)>>>;
type KvLog = Arc<Mutex<Vec<&'static str>>>;

fn kv(conn: &Connection) -> (KvRows, KvLog) {
    let rows = Arc::default();
    let log = Arc::default();
    let aux = KvAux {
        rows: Arc::clone(&rows),
        log: Arc::clone(&log),
    };
    conn.create_module("kv", &KV, Some(aux)).unwrap();
    conn.execute_batch("CREATE VIRTUAL TABLE temp.kv USING kv()")
        .unwrap();
    (rows, log)
}

#[test]
fn a_writable_module_sees_inserts_updates_deletes_and_transactions() {
    let _turn = sqlite_turn();
    let conn = Connection::open_in_memory().unwrap();
    let (rows, log) = kv(&conn);
    log.lock().unwrap().clear();
    conn.execute("INSERT INTO kv(v) VALUES ('a'), ('b')", ())
        .unwrap();
    conn.execute("INSERT INTO kv(rowid, v) VALUES (10, 'c')", ())
        .unwrap();
    assert_eq!(conn.last_insert_rowid(), 10);
    conn.execute("UPDATE kv SET v = 'B' WHERE v = 'b'", ())
        .unwrap();
    conn.execute("DELETE FROM kv WHERE rowid = 1", ()).unwrap();
    let mut stored = rows.lock().unwrap().clone();
    stored.sort();
    assert_eq!(stored, [(2, "B".to_owned()), (10, "c".to_owned())]);
    let seen: Vec<String> = conn
        .prepare("SELECT v FROM kv ORDER BY rowid")
        .unwrap()
        .query_map((), |r| r.get(0))
        .unwrap()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(seen, ["B", "c"]);
    assert_eq!(
        *log.lock().unwrap(),
        ["begin", "commit"].repeat(4),
        "each writing statement is a transaction"
    );
    log.lock().unwrap().clear();

    // An error from insert fails the statement with the value returned, and the transaction
    // around it rolls back through the module.
    let err = conn
        .execute("INSERT INTO kv(v) VALUES ('refuse')", ())
        .unwrap_err();
    let Error::UserFunction(source) = err else {
        panic!("{err:?}")
    };
    assert!(source.downcast_ref::<Refused>().is_some());
    assert_eq!(*log.lock().unwrap(), ["begin", "rollback"]);

    conn.execute_batch("DROP TABLE temp.kv").unwrap();
    assert!(log.lock().unwrap().ends_with(&["destroy"]));
}

#[test]
fn a_method_that_makes_sqlite_call_its_own_table_again_gets_an_error() {
    let _turn = sqlite_turn();
    let conn = Rc::new(Connection::open_in_memory().unwrap());
    let (rows, _log) = kv(&conn);
    KV_CONN.with(|c| *c.borrow_mut() = Some(Rc::clone(&conn)));
    let err = conn
        .execute("INSERT INTO kv(v) VALUES ('query myself')", ())
        .unwrap_err();
    KV_CONN.with(|c| c.borrow_mut().take());
    let Error::ModuleError(message) = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("called again"), "{message}");
    assert!(rows.lock().unwrap().is_empty(), "nothing was inserted");
    conn.execute("INSERT INTO kv(v) VALUES ('fine')", ())
        .unwrap();
    assert_eq!(rows.lock().unwrap().len(), 1);
}

#[cfg(not(feature = "single-thread"))]
#[test]
fn a_pool_does_not_hand_a_borrowers_module_to_the_next_borrower() {
    let dir = common::TempDir::new("vtab-pool");
    let pool = lite3::Pool::builder(dir.db())
        .readers(1)
        .on_open(series::load_module)
        .build()
        .unwrap();
    {
        let conn = pool.write().unwrap();
        array::load_module(&conn).unwrap();
        assert!(column(&conn, "SELECT value FROM rarray(NULL)").is_ok());
    }
    let conn = pool.write().unwrap();
    assert!(
        column(&conn, "SELECT value FROM rarray(NULL)").is_err(),
        "the borrower's module went with it"
    );
    assert_eq!(
        column(&conn, "SELECT count(*) FROM generate_series(1, 3)").unwrap(),
        [3],
        "on_open's module stays"
    );
    assert_eq!(pool.metrics().replaced, 1);
}

#[cfg(feature = "csvtab")]
mod csv {
    use super::*;
    use common::TempDir;

    fn strings(conn: &Connection, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        let mut stmt = conn.prepare(sql)?;
        let n = stmt.column_count();
        stmt.query_map((), |r| (0..n).map(|i| r.get(i)).collect())?
            .collect()
    }

    #[test]
    fn a_csv_file_reads_as_a_table_byte_for_byte() {
        let _turn = sqlite_turn();
        let dir = TempDir::new("csvtab");
        let file = dir.0.join("people.csv");
        std::fs::write(&file, "name,code\r\nAda,007\n\"Lovelace, A\",1.10\nshort\n").unwrap();
        let conn = Connection::open_in_memory().unwrap();
        lite3::vtab::csvtab::load_module(&conn).unwrap();
        conn.execute_batch(&format!(
            "CREATE VIRTUAL TABLE temp.people USING csv(filename = '{}', header = yes)",
            file.display()
        ))
        .unwrap();
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            strings(&conn, "SELECT name, code FROM people").unwrap(),
            [
                vec![s("Ada"), s("007")],
                vec![s("Lovelace, A"), s("1.10")],
                vec![s("short"), None],
            ]
        );
        // Scanned again for each row of a join's outer side.
        let n: i64 = conn
            .query_row("SELECT count(*) FROM people a, people b", (), |r| r.get(0))
            .unwrap();
        assert_eq!(n, 9);
        conn.execute_batch(
            "CREATE VIRTUAL TABLE temp.raw USING csv(data = 'a;b\n1;2', delimiter = ';', columns = 2)",
        )
        .unwrap();
        assert_eq!(
            strings(&conn, "SELECT c0, c1 FROM raw").unwrap(),
            [vec![s("a"), s("b")], vec![s("1"), s("2")]]
        );
    }

    #[test]
    fn bad_csv_arguments_are_clear_errors() {
        let _turn = sqlite_turn();
        let conn = Connection::open_in_memory().unwrap();
        lite3::vtab::csvtab::load_module(&conn).unwrap();
        for (args, expected) in [
            (
                "filename = '/no/such/file.csv'",
                "cannot open /no/such/file.csv",
            ),
            ("header = yes", "give filename = PATH or data = TEXT"),
            ("data = 'x', header = perhaps", "header must be yes or no"),
            ("data = 'x', columns = 0", "columns must be 1 to 65535"),
            (
                "data = 'x', delimiter = ';;'",
                "delimiter must be one ASCII character",
            ),
            ("data = 'x', colour = red", "unknown argument \"colour\""),
            ("data = 'x', data = 'y'", "data is given twice"),
            ("data = ''", "the input is empty"),
        ] {
            let err = conn
                .execute(
                    &format!("CREATE VIRTUAL TABLE temp.t USING csv({args})"),
                    (),
                )
                .unwrap_err();
            assert!(
                matches!(&err, Error::ModuleError(m) if m.contains(expected)),
                "{args}: {err}"
            );
            assert!(!conn.table_exists(Some(lite3::TEMP_DB), c"t").unwrap());
        }
    }
}
