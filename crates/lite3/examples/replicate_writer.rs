//! The application side of `cargo xtask replicate-check` and `cargo xtask crash`: commits tagged
//! transactions through a plain `Connection`, a `Pool` (two writer threads taking turns on the
//! pool's writer; WAL mode only) and a `Worker`, all at once, and prints each transaction's tag
//! once its commit has returned ("acknowledged"). Every transaction writes one `tx` row and
//! `PARTS` `part` rows; a copy (restored by Litestream, or the file itself after a SIGKILL) must
//! hold every acknowledged tag and, for each tag it has, all of its parts.
//!
//! Usage:
//! - `replicate_writer write DB SECONDS [wal|delete]`: commit for SECONDS (0: until killed),
//!   printing tags, in WAL mode (the default) or with a rollback journal (`delete`: no Pool,
//!   which needs WAL); tags start with the process id, so runs on one database never collide;
//! - `replicate_writer verify DB ACKED_FILE`: check a restored copy: `integrity_check` ok,
//!   every tag in ACKED_FILE present, every transaction whole; prints what it found;
//! - `replicate_writer has DB TAG`: exit status 0 if the copy holds TAG.

// A Pool hands connections between threads, which a single-threaded SQLite forbids.
#[cfg(not(feature = "single-thread"))]
mod app {
    use lite3::{Pool, Worker};
    use std::io::Write;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    /// Rows per transaction besides the tag row.
    const PARTS: i64 = 5;

    const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS tx(tag TEXT PRIMARY KEY, parts INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS part(tag TEXT NOT NULL, n INTEGER NOT NULL, pad BLOB,
                                PRIMARY KEY (tag, n));
";

    fn commit(conn: &lite3::Connection, tag: &str) -> lite3::Result<()> {
        let tx = conn.unchecked_transaction()?;
        tx.execute("INSERT INTO tx VALUES (?1, ?2)", (tag, PARTS))?;
        for n in 0..PARTS {
            tx.execute(
                "INSERT INTO part VALUES (?1, ?2, randomblob(200))",
                (tag, n),
            )?;
        }
        tx.commit()
    }

    pub type Outcome = Result<(), Box<dyn std::error::Error>>;

    const USAGE: &str = "usage: replicate_writer (write DB SECONDS [wal|delete] | verify DB ACKED_FILE | has DB TAG)";

    pub fn main() -> Outcome {
        let args: Vec<String> = std::env::args().skip(1).collect();
        match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["write", db, seconds] => write(db, seconds.parse()?, true),
            ["write", db, seconds, "wal"] => write(db, seconds.parse()?, true),
            ["write", db, seconds, "delete"] => write(db, seconds.parse()?, false),
            ["verify", db, acked] => verify(db, acked),
            ["has", db, tag] => {
                let conn = lite3::Connection::open_with_flags(db, lite3::OpenFlags::READ_ONLY)?;
                let n: i64 =
                    conn.query_row("SELECT count(*) FROM tx WHERE tag = ?1", (tag,), |r| {
                        r.get(0)
                    })?;
                if n == 1 {
                    Ok(())
                } else {
                    Err(format!("{tag} is not in {db}").into())
                }
            }
            _ => Err(USAGE.into()),
        }
    }

    /// Checks a copy against the acknowledged tags. Opened read-write, as the next process
    /// would: after a crash with a rollback journal, the first connection rolls the hot journal
    /// back, which a read-only one may not.
    fn verify(db: &str, acked: &str) -> Outcome {
        let conn = lite3::Connection::open_with_flags(db, lite3::OpenFlags::READ_WRITE)?;
        let integrity: String = conn.query_row("PRAGMA integrity_check", (), |r| r.get(0))?;
        if integrity != "ok" {
            return Err(format!("integrity_check: {integrity}").into());
        }
        let partial: i64 = conn.query_row(
        "SELECT count(*) FROM tx WHERE parts != (SELECT count(*) FROM part WHERE part.tag = tx.tag)",
        (),
        |r| r.get(0),
    )?;
        let orphans: i64 = conn.query_row(
            "SELECT count(*) FROM part WHERE tag NOT IN (SELECT tag FROM tx)",
            (),
            |r| r.get(0),
        )?;
        if partial + orphans > 0 {
            return Err(format!("{partial} partial transactions, {orphans} orphan rows").into());
        }
        let acked = std::fs::read_to_string(acked)?;
        let mut has = conn.prepare("SELECT count(*) FROM tx WHERE tag = ?1")?;
        let mut missing = Vec::new();
        let mut count = 0;
        for tag in acked.lines().filter(|l| !l.is_empty()) {
            count += 1;
            if has.query_row((tag,), |r| r.get::<_, i64>(0))? != 1 {
                missing.push(tag.to_owned());
            }
        }
        let restored: i64 = conn.query_row("SELECT count(*) FROM tx", (), |r| r.get(0))?;
        println!(
            "acknowledged {count}, restored {restored}, missing {}",
            missing.len()
        );
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "acknowledged but not restored: {:?}",
                &missing[..missing.len().min(5)]
            )
            .into())
        }
    }

    fn write(db: &str, seconds: u64, wal: bool) -> Outcome {
        let deadline = (seconds > 0).then(|| Instant::now() + Duration::from_secs(seconds));
        let running = move || deadline.is_none_or(|d| Instant::now() < d);
        let run = std::process::id();

        // The pool's defaults are Litestream's advice: WAL, a 5 s busy timeout, SQLite's own
        // automatic checkpoints (Litestream checkpoints too, and both are PASSIVE).
        let pool = if wal {
            let pool = Arc::new(Pool::open(db)?);
            pool.write()?.execute_batch(SCHEMA)?;
            Some(pool)
        } else {
            let conn = lite3::Connection::open(db)?;
            conn.pragma_update(None, "journal_mode", "DELETE")?;
            conn.execute_batch(SCHEMA)?;
            None
        };
        let acked = Arc::new(Mutex::new(std::io::stdout()));
        let ack = |out: &Mutex<std::io::Stdout>, tag: &str| {
            let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
            // One line per acknowledged commit, flushed at once: the checker reads it after a kill.
            let _ = writeln!(out, "{tag}");
            let _ = out.flush();
        };
        let failed = Arc::new(AtomicBool::new(false));

        let mut threads = Vec::new();
        for writer in 0..if pool.is_some() { 2 } else { 0 } {
            let (pool, acked, failed) = (pool.clone(), Arc::clone(&acked), Arc::clone(&failed));
            let pool = pool.ok_or("no pool")?;
            threads.push(std::thread::spawn(move || {
                let mut seq = 0u64;
                while running() && !failed.load(Ordering::Relaxed) {
                    let tag = format!("{run}-pool{writer}-{seq}");
                    match pool.write().and_then(|conn| commit(&conn, &tag)) {
                        Ok(()) => ack(&acked, &tag),
                        Err(e) => {
                            eprintln!("replicate_writer: {tag}: {e}");
                            failed.store(true, Ordering::Relaxed);
                        }
                    }
                    seq += 1;
                }
            }));
        }
        {
            // A plain connection of its own, on its own thread.
            let (acked, failed) = (Arc::clone(&acked), Arc::clone(&failed));
            let conn = lite3::Connection::open(db)?;
            threads.push(std::thread::spawn(move || {
                let mut seq = 0u64;
                while running() && !failed.load(Ordering::Relaxed) {
                    let tag = format!("{run}-conn-{seq}");
                    match commit(&conn, &tag) {
                        Ok(()) => ack(&acked, &tag),
                        Err(e) => {
                            eprintln!("replicate_writer: {tag}: {e}");
                            failed.store(true, Ordering::Relaxed);
                        }
                    }
                    seq += 1;
                    std::thread::sleep(Duration::from_millis(1));
                }
            }));
        }
        let worker = Worker::open(db)?;
        let mut seq = 0u64;
        while running() && !failed.load(Ordering::Relaxed) {
            let tag = format!("{run}-worker-{seq}");
            let owned = tag.clone();
            match worker.call(move |conn| commit(conn, &owned)) {
                Ok(()) => ack(&acked, &tag),
                Err(e) => {
                    eprintln!("replicate_writer: {tag}: {e}");
                    failed.store(true, Ordering::Relaxed);
                }
            }
            seq += 1;
            std::thread::sleep(Duration::from_millis(2));
        }
        for thread in threads {
            thread.join().map_err(|_| "a writer thread panicked")?;
        }
        if failed.load(Ordering::Relaxed) {
            return Err("a commit failed (see above)".into());
        }
        Ok(())
    }
}

#[cfg(not(feature = "single-thread"))]
fn main() -> app::Outcome {
    app::main()
}

#[cfg(feature = "single-thread")]
fn main() {
    eprintln!("replicate_writer needs a Pool, which a single-threaded SQLite does not have");
    std::process::exit(2);
}
