//! Damaged database files: byte flips, truncations and page swaps of a real database, its WAL
//! and its WAL index. Whatever the damage, lite3 never panics, never hangs and never leaks: an
//! open, a query, an integrity check or a write either works or fails with SQLite's corruption
//! codes (`DatabaseCorrupt`, `NotADatabase`), and every byte SQLite allocated is freed.
//!
//! The database's contents and the damage come from fixed seeds (no `randomblob`), so a
//! failure names a case that reproduces.

mod common;

use lite3::{Connection, ErrorCode};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Cases per kind of damage.
const CASES: u64 = 100;
/// VM steps one case may take before it counts as a hang (the undamaged database needs a few
/// hundred thousand).
const STEP_LIMIT: u64 = 50_000_000;

/// A database as a crash leaves it: main file, WAL and WAL index, with committed transactions
/// both checkpointed into the main file and still only in the WAL.
struct Original {
    main: Vec<u8>,
    wal: Vec<u8>,
    shm: Vec<u8>,
}

fn original(dir: &Path) -> Original {
    let path = dir.join("original.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA wal_autocheckpoint = 0;
         CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, data BLOB);
         CREATE INDEX t_name ON t(name);
         CREATE TABLE kv(k TEXT PRIMARY KEY, v) WITHOUT ROWID;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
         INSERT INTO t SELECT i, printf('name-%05d', i), CAST(printf('%0120d', i * 2654435761) AS BLOB) FROM n;
         INSERT INTO kv SELECT name, id FROM t WHERE id % 3 = 0;
         PRAGMA wal_checkpoint(TRUNCATE);
         WITH RECURSIVE n(i) AS (SELECT 1501 UNION ALL SELECT i + 1 FROM n WHERE i < 1700)
         INSERT INTO t SELECT i, printf('late-%05d', i), CAST(printf('%0300d', i * 2654435761) AS BLOB) FROM n;
         UPDATE t SET data = zeroblob(40) WHERE id % 7 = 0;
         DELETE FROM kv WHERE v % 2 = 0;",
    )
    .unwrap();
    // Copied while the connection is open, as a crash would leave them.
    let read = |suffix: &str| std::fs::read(format!("{}{suffix}", path.display())).unwrap();
    let original = Original {
        main: read(""),
        wal: read("-wal"),
        shm: read("-shm"),
    };
    assert!(original.wal.len() > 100_000, "the WAL holds transactions");
    original
}

/// A deterministic generator for the damage.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n.max(1) as u64) as usize
    }
}

#[derive(Clone, Copy, Debug)]
enum Damage {
    FlipMain,
    TruncateMain,
    SwapPages,
    FlipWal,
    TruncateWal,
    FlipIndex,
}

fn flip(bytes: &mut [u8], random: &mut Lcg) {
    for _ in 0..1 + random.below(8) {
        let at = random.below(bytes.len());
        bytes[at] ^= 1 << random.below(8);
    }
}

fn damaged(original: &Original, damage: Damage, random: &mut Lcg) -> Original {
    let (mut main, mut wal, mut shm) = (
        original.main.clone(),
        original.wal.clone(),
        original.shm.clone(),
    );
    match damage {
        Damage::FlipMain => flip(&mut main, random),
        Damage::TruncateMain => main.truncate(random.below(main.len())),
        Damage::SwapPages => {
            let page = 4096;
            let pages = main.len() / page;
            let (a, b) = (random.below(pages), random.below(pages));
            for i in 0..page {
                main.swap(a * page + i, b * page + i);
            }
        }
        Damage::FlipWal => flip(&mut wal, random),
        Damage::TruncateWal => wal.truncate(random.below(wal.len())),
        Damage::FlipIndex => flip(&mut shm, random),
    }
    Original { main, wal, shm }
}

/// What one damaged database did.
enum Outcome {
    /// Everything ran and `integrity_check` said ok (damage SQLite could not see or repaired,
    /// such as a WAL cut at a frame boundary or a rebuilt WAL index).
    Clean,
    /// Everything ran, and `integrity_check` listed problems.
    Reported,
    /// A call failed with this code.
    Failed(ErrorCode),
}

impl Outcome {
    fn label(&self) -> String {
        match self {
            Outcome::Clean => "clean".into(),
            Outcome::Reported => "reported by integrity_check".into(),
            Outcome::Failed(code) => format!("failed: {code:?}"),
        }
    }
}

/// Runs one damaged database. Panics (the test's failure) on a hang or on an error that is not
/// a corruption error.
fn exercise(path: &Path, case: &str) -> Outcome {
    let mut conn = match Connection::open(path) {
        Ok(conn) => conn,
        Err(e) => return Outcome::Failed(corruption_code(&e, case)),
    };
    // No fsync: 600 cases on a busy disk would otherwise wait for it most of the time, and
    // durability is not what this test looks at.
    conn.pragma_update(None, "synchronous", "OFF").unwrap();
    let steps = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&steps);
    conn.progress_handler(
        1000,
        Some(move || counted.fetch_add(1000, Ordering::Relaxed) > STEP_LIMIT),
    )
    .unwrap();
    let run = |conn: &Connection| -> lite3::Result<bool> {
        let mut check = conn.prepare("PRAGMA integrity_check")?;
        let findings: Vec<String> = check
            .query_map((), |row| row.get(0))?
            .collect::<lite3::Result<_>>()?;
        drop(check);
        let _: (i64, Option<i64>) =
            conn.query_row("SELECT count(*), sum(length(data)) FROM t", (), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let mut by_name = conn.prepare("SELECT name FROM t WHERE name > ?1 ORDER BY name")?;
        let mut rows = by_name.query(("name-00700",))?;
        while rows.next()?.is_some() {}
        drop(rows);
        let _: i64 = conn.query_row("SELECT count(*) FROM kv", (), |r| r.get(0))?;
        conn.execute_batch(
            "BEGIN;
             INSERT INTO t(name, data) VALUES ('after the damage', x'00');
             UPDATE kv SET v = v + 1;
             COMMIT;",
        )?;
        Ok(findings == ["ok"])
    };
    let outcome = match run(&conn) {
        Ok(true) => Outcome::Clean,
        Ok(false) => Outcome::Reported,
        Err(e) => {
            assert!(
                steps.load(Ordering::Relaxed) <= STEP_LIMIT,
                "{case}: more than {STEP_LIMIT} VM steps: a hang"
            );
            Outcome::Failed(corruption_code(&e, case))
        }
    };
    conn.close().map_err(|(_, e)| e).unwrap();
    outcome
}

/// The error's SQLite code, which must be one that says the file is damaged.
fn corruption_code(error: &lite3::Error, case: &str) -> ErrorCode {
    let code = error.sqlite_error_code();
    assert!(
        matches!(
            code,
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase)
        ),
        "{case}: {error} ({code:?}) is not a corruption error"
    );
    code.unwrap_or(ErrorCode::DatabaseCorrupt)
}

#[test]
fn damaged_files_fail_cleanly_never_panic_hang_or_leak() {
    let _turn = common::sqlite_turn();
    let dir = common::TempDir::new("corruption");
    let original = original(&dir.0);
    let baseline = lite3::memory().map(|m| m.bytes_in_use);
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    for damage in [
        Damage::FlipMain,
        Damage::TruncateMain,
        Damage::SwapPages,
        Damage::FlipWal,
        Damage::TruncateWal,
        Damage::FlipIndex,
    ] {
        for seed in 1..=CASES {
            let case = format!("{damage:?} seed {seed}");
            let mut random = Lcg(seed * 7919 + damage as u64);
            let files = damaged(&original, damage, &mut random);
            let path = dir.0.join(format!("{damage:?}-{seed}.db"));
            std::fs::write(&path, &files.main).unwrap();
            std::fs::write(format!("{}-wal", path.display()), &files.wal).unwrap();
            std::fs::write(format!("{}-shm", path.display()), &files.shm).unwrap();
            let outcome = exercise(&path, &case);
            *outcomes
                .entry(format!("{damage:?}: {}", outcome.label()))
                .or_default() += 1;
            if let Some(baseline) = baseline {
                let now = lite3::memory().map_or(0, |m| m.bytes_in_use);
                assert_eq!(
                    now, baseline,
                    "{case}: SQLite's bytes in use did not return"
                );
            }
        }
    }
    // The damage to the main file is seen (an error or a finding) at least once per kind, so
    // the cases do reach it: a generator that damaged nothing would pass everything above.
    for damage in ["FlipMain", "TruncateMain", "SwapPages"] {
        assert!(
            outcomes
                .keys()
                .any(|k| k.starts_with(damage) && !k.ends_with("clean")),
            "{damage} was never noticed: {outcomes:#?}"
        );
    }
    println!("{outcomes:#?}");
}
