//! The WAL hook, the preupdate hook, collations on demand and result subtypes, written the
//! rusqlite way.

use rusqlite::functions::{FunctionFlags, SubType};
use rusqlite::hooks::{Action, PreUpdateCase, Wal};
use rusqlite::types::ValueRef;
use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, DEFAULT_NAME, Result};
use std::sync::{Arc, Mutex};

#[test]
fn wal_hook_checkpoints_itself() -> Result<()> {
    let dir = std::env::temp_dir().join(format!("compat-wal-hook-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut db = Connection::open(dir.join("wal.db"))?;
    db.pragma_update(None, "journal_mode", "wal")?;
    let commits = Arc::new(Mutex::new(0));
    let seen = Arc::clone(&commits);
    db.wal_hook(Some(move |wal: &mut Wal, pages: i32| {
        *seen.lock().unwrap() += 1;
        assert_eq!(wal.name().to_str().unwrap(), "main");
        if pages > 2 {
            wal.checkpoint()?;
        }
        Ok(())
    }))?;
    db.execute_batch("CREATE TABLE t(x)")?;
    for i in 0..5 {
        db.execute("INSERT INTO t VALUES (?1)", [i])?;
    }
    assert_eq!(*commits.lock().unwrap(), 6);
    let (frames, done) = db.wal_checkpoint_v2(DEFAULT_NAME, CheckpointMode::PASSIVE)?;
    assert_eq!(frames, done);
    drop(db);
    std::fs::remove_dir_all(&dir).unwrap();
    Ok(())
}

#[test]
fn preupdate_hook_reads_old_and_new() -> Result<()> {
    let mut db = Connection::open_in_memory()?;
    db.execute_batch(
        "CREATE TABLE price(item TEXT, cents INTEGER); INSERT INTO price VALUES ('tea', 300)",
    )?;
    let changes = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&changes);
    db.preupdate_hook(Some(
        move |action: Action, _db: &str, table: &str, case: &PreUpdateCase| {
            let line = match case {
                PreUpdateCase::Update {
                    old_value_accessor,
                    new_value_accessor,
                } => {
                    let old = old_value_accessor.get_old_column_value(1).unwrap();
                    let new = new_value_accessor.get_new_column_value(1).unwrap();
                    format!("{action:?} {table} {old:?} -> {new:?}")
                }
                PreUpdateCase::Insert(new) => {
                    format!("{action:?} {table} rowid {}", new.get_new_row_id())
                }
                PreUpdateCase::Delete(old) => {
                    format!("{action:?} {table} rowid {}", old.get_old_row_id())
                }
                PreUpdateCase::Unknown => "unknown".to_owned(),
            };
            sink.lock().unwrap().push(line);
        },
    ))?;
    db.execute("UPDATE price SET cents = 350", [])?;
    db.execute("INSERT INTO price VALUES ('coffee', 400)", [])?;
    db.execute("DELETE FROM price WHERE item = 'tea'", [])?;
    assert_eq!(
        *changes.lock().unwrap(),
        [
            "SQLITE_UPDATE price Integer(300) -> Integer(350)",
            "SQLITE_INSERT price rowid 2",
            "SQLITE_DELETE price rowid 1",
        ]
    );
    Ok(())
}

fn on_demand(db: &Connection, name: &str) -> Result<()> {
    if name == "by_length" {
        db.create_collation(name, |a: &str, b: &str| a.len().cmp(&b.len()))?;
    }
    Ok(())
}

#[test]
fn collation_needed_and_subtypes() -> Result<()> {
    let db = Connection::open_in_memory()?;
    db.collation_needed(on_demand)?;
    let first: String = db.query_row(
        "SELECT column1 FROM (VALUES ('ccc'), ('a'), ('bb')) ORDER BY column1 COLLATE by_length",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(first, "a");

    db.create_scalar_function(
        "tag",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_RESULT_SUBTYPE,
        |ctx| {
            let tag: SubType = Some(42);
            Ok((ctx.get::<String>(0)?, tag))
        },
    )?;
    db.create_scalar_function(
        "tag_of",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_SUBTYPE,
        |ctx| Ok(ctx.get_subtype(0) as i64),
    )?;
    let (text, tag): (String, i64) =
        db.query_row("SELECT tag('x'), tag_of(tag('x'))", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    assert_eq!((text.as_str(), tag), ("x", 42));
    let raw = db.query_row("SELECT tag('y')", [], |r| {
        Ok(matches!(r.get_ref(0)?, ValueRef::Text(b"y")))
    })?;
    assert!(raw);
    Ok(())
}
