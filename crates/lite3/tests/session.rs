//! Sessions and changesets: recorded changes replay on another database; conflicts are
//! decided by the handler (omit, replace, abort: an abort applies nothing); a panic in a filter
//! or handler applies nothing and resumes in the caller; a panicking table filter still
//! records; damaged changesets and failing streams are errors, never partial applies.
#![cfg(feature = "session")]

mod common;

use common::sqlite_turn;
use lite3::hooks::Action;
use lite3::session::{
    Changegroup, Changeset, ChangesetIter, ConflictAction, ConflictType, Session,
};
use lite3::{Connection, ErrorCode};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

const SCHEMA: &str = "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT, qty INT);
                      CREATE TABLE note(id INTEGER PRIMARY KEY, body TEXT)";

fn pair() -> (Connection, Connection) {
    let (a, b) = (
        Connection::open_in_memory().unwrap(),
        Connection::open_in_memory().unwrap(),
    );
    for db in [&a, &b] {
        db.execute_batch(SCHEMA).unwrap();
        db.execute_batch("INSERT INTO item VALUES (1, 'tea', 3), (2, 'coffee', 5)")
            .unwrap();
    }
    (a, b)
}

fn items(db: &Connection) -> Vec<(i64, String, i64)> {
    db.prepare("SELECT id, name, qty FROM item ORDER BY id")
        .unwrap()
        .query_map((), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<lite3::Result<_>>()
        .unwrap()
}

fn abort(_: ConflictType, _: &lite3::session::ChangesetItem<'_>) -> ConflictAction {
    ConflictAction::SQLITE_CHANGESET_ABORT
}

fn record(db: &Connection, sql: &str) -> Changeset {
    let mut session = Session::new(db).unwrap();
    session.attach(None::<&str>).unwrap();
    db.execute_batch(sql).unwrap();
    session.changeset().unwrap()
}

#[test]
fn changes_replay_invert_and_iterate() {
    let _turn = sqlite_turn();
    let (a, b) = pair();
    let changes = record(
        &a,
        "INSERT INTO item VALUES (3, 'milk', 1); UPDATE item SET qty = 4 WHERE id = 1;
         DELETE FROM item WHERE id = 2",
    );
    let mut seen = Vec::new();
    let mut iter = changes.iter().unwrap();
    while let Some(item) = iter.next().unwrap() {
        let op = item.op().unwrap();
        let value = match op.code() {
            Action::SQLITE_INSERT | Action::SQLITE_UPDATE => {
                item.new_value(2).unwrap().as_i64().ok()
            }
            _ => item.old_value(2).unwrap().as_i64().ok(),
        };
        seen.push((
            op.table_name().to_owned(),
            op.code(),
            value,
            item.pk().unwrap().to_vec(),
        ));
    }
    seen.sort_by_key(|s| format!("{:?}", s.1));
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter()
            .all(|(t, _, _, pk)| t == "item" && pk == &[1, 0, 0])
    );

    b.apply(&changes, None::<fn(&str) -> bool>, abort).unwrap();
    assert_eq!(items(&b), items(&a));
    b.apply(&changes.invert().unwrap(), None::<fn(&str) -> bool>, abort)
        .unwrap();
    assert_eq!(items(&b), [(1, "tea".into(), 3), (2, "coffee".into(), 5)]);

    // Concatenation and changegroups give the same result as applying both in turn.
    let more = record(&a, "UPDATE item SET qty = 9 WHERE id = 3");
    let both = Changeset::concat(&changes, &more).unwrap();
    let mut group = Changegroup::new().unwrap();
    group.add(&changes).unwrap();
    group.add(&more).unwrap();
    let grouped = group.output().unwrap();
    for cs in [&both, &grouped] {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(SCHEMA).unwrap();
        c.execute_batch("INSERT INTO item VALUES (1, 'tea', 3), (2, 'coffee', 5)")
            .unwrap();
        c.apply(cs, None::<fn(&str) -> bool>, abort).unwrap();
        assert_eq!(items(&c), items(&a));
    }
}

#[test]
fn conflicts_are_decided_by_the_handler_and_an_abort_applies_nothing() {
    let _turn = sqlite_turn();
    let (a, b) = pair();
    let changes = record(
        &a,
        "UPDATE item SET qty = 10 WHERE id = 1; INSERT INTO note VALUES (1, 'hello')",
    );
    // b changed row 1 meanwhile: a DATA conflict.
    b.execute("UPDATE item SET qty = 7 WHERE id = 1", ())
        .unwrap();

    let kinds = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&kinds);
    let err = b
        .apply(&changes, None::<fn(&str) -> bool>, move |kind, item| {
            let theirs = item.conflict(2).unwrap().as_i64().unwrap();
            log.lock().unwrap().push((kind, theirs));
            ConflictAction::SQLITE_CHANGESET_ABORT
        })
        .unwrap_err();
    assert_eq!(
        err.sqlite_code(),
        Some(ErrorCode::OperationAborted),
        "{err}"
    );
    assert_eq!(
        *kinds.lock().unwrap(),
        [(ConflictType::SQLITE_CHANGESET_DATA, 7)]
    );
    let notes: i64 = b
        .query_row("SELECT count(*) FROM note", (), |r| r.get(0))
        .unwrap();
    assert_eq!(
        notes, 0,
        "the note was applied and rolled back with the abort"
    );

    b.apply(&changes, None::<fn(&str) -> bool>, |_, _| {
        ConflictAction::SQLITE_CHANGESET_OMIT
    })
    .unwrap();
    assert_eq!(items(&b)[0].2, 7, "omitted: theirs kept");
    let b2 = Connection::open_in_memory().unwrap();
    b2.execute_batch(SCHEMA).unwrap();
    b2.execute_batch("INSERT INTO item VALUES (1, 'tea', 7)")
        .unwrap();
    b2.apply(&changes, None::<fn(&str) -> bool>, |_, _| {
        ConflictAction::SQLITE_CHANGESET_REPLACE
    })
    .unwrap();
    assert_eq!(items(&b2)[0].2, 10, "replaced: ours wins");

    // A filter picks tables.
    let b3 = Connection::open_in_memory().unwrap();
    b3.execute_batch(SCHEMA).unwrap();
    b3.apply(&changes, Some(|table: &str| table == "note"), abort)
        .unwrap();
    let notes: i64 = b3
        .query_row("SELECT count(*) FROM note", (), |r| r.get(0))
        .unwrap();
    assert_eq!((notes, items(&b3).len()), (1, 0));
}

#[test]
fn panics_in_callbacks_apply_nothing_and_resume() {
    let _turn = sqlite_turn();
    let (a, b) = pair();
    let changes = record(
        &a,
        "INSERT INTO note VALUES (1, 'x'); UPDATE item SET qty = 0 WHERE id = 2",
    );
    b.execute("UPDATE item SET qty = 1 WHERE id = 2", ())
        .unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| {
        b.apply(
            &changes,
            None::<fn(&str) -> bool>,
            |_, _| -> ConflictAction { panic!("handler exploded") },
        )
    }))
    .unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"handler exploded"));
    let payload = catch_unwind(AssertUnwindSafe(|| {
        b.apply(
            &changes,
            // The note table comes first and is applied; the panic on the item table must
            // undo it.
            Some(|table: &str| -> bool {
                assert_ne!(table, "item", "filter exploded");
                true
            }),
            abort,
        )
    }))
    .unwrap_err();
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("filter exploded"), "{message}");
    let notes: i64 = b
        .query_row("SELECT count(*) FROM note", (), |r| r.get(0))
        .unwrap();
    assert_eq!(notes, 0);
    assert_eq!(items(&b)[1].2, 1);
    // No armed interrupt or open transaction is left behind.
    assert!(b.is_autocommit());
    b.execute("INSERT INTO note VALUES (5, 'later')", ())
        .unwrap();

    // A table filter that panics while recording: the panic resumes, the table is recorded.
    let mut session = Session::new(&a).unwrap();
    session.table_filter(Some(|_: &str| -> bool { panic!("table filter exploded") }));
    session.attach(None::<&str>).unwrap();
    let payload = catch_unwind(AssertUnwindSafe(|| a.execute("DELETE FROM note", ()))).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"table filter exploded")
    );
    assert!(!session.is_empty(), "recorded despite the panic");
    session.table_filter(None::<fn(&str) -> bool>);
}

#[test]
fn damaged_changesets_and_failing_streams_are_errors() {
    let _turn = sqlite_turn();
    let (a, b) = pair();
    let changes = record(&a, "INSERT INTO note VALUES (1, 'x'), (2, 'y')");
    // Bytes round trip; a truncated copy is refused without applying anything.
    let bytes = changes.as_bytes().to_vec();
    let truncated = Changeset::from_bytes(&bytes[..bytes.len() - 3]).unwrap();
    let err = b
        .apply(&truncated, None::<fn(&str) -> bool>, abort)
        .unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::DatabaseCorrupt), "{err}");
    let notes: i64 = b
        .query_row("SELECT count(*) FROM note", (), |r| r.get(0))
        .unwrap();
    assert_eq!(notes, 0);

    // Streams: out through a session, back in through apply and the iterator.
    let mut session = Session::new(&a).unwrap();
    session.attach(Some("note")).unwrap();
    a.execute("INSERT INTO note VALUES (3, 'z')", ()).unwrap();
    let mut streamed = Vec::new();
    session.changeset_strm(&mut streamed).unwrap();
    let mut reader = &streamed[..];
    let mut iter = ChangesetIter::start_strm(&mut reader).unwrap();
    let mut n = 0;
    while iter.next().unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 1);
    drop(iter);
    b.apply_strm(&mut &streamed[..], None::<fn(&str) -> bool>, abort)
        .unwrap();
    let mut inverted = Vec::new();
    lite3::session::invert_strm(&mut &streamed[..], &mut inverted).unwrap();
    b.apply_strm(&mut &inverted[..], None::<fn(&str) -> bool>, abort)
        .unwrap();

    // A writer that fails: the error names the stream.
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk gone"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = session.changeset_strm(&mut Broken).unwrap_err();
    assert!(err.to_string().contains("disk gone"), "{err}");
    drop(session);
}

#[test]
fn a_session_and_a_preupdate_hook_exclude_each_other() {
    let _turn = sqlite_turn();
    let (mut a, _) = pair();
    a.preupdate_hook(Some(
        |_, _: &str, _: &str, _: &lite3::hooks::PreUpdateCase| {},
    ))
    .unwrap();
    let err = Session::new(&a).unwrap_err();
    assert_eq!(err.sqlite_code(), Some(ErrorCode::ApiMisuse), "{err}");
    assert!(err.to_string().contains("preupdate hook"), "{err}");
    a.preupdate_hook(None::<fn(Action, &str, &str, &lite3::hooks::PreUpdateCase)>)
        .unwrap();
    let mut session = Session::new(&a).unwrap();
    session.table_filter(Some(|t: &str| t == "item"));
    session.attach(None::<&str>).unwrap();
    a.execute("INSERT INTO item VALUES (7, 'x', 1)", ())
        .unwrap();
    a.execute("INSERT INTO note VALUES (7, 'x')", ()).unwrap();
    // (Setting a preupdate hook while the session lives cannot compile: the session borrows
    // the connection, and `preupdate_hook` takes it mutably.)
    let changes = session.changeset().unwrap();
    let mut iter = changes.iter().unwrap();
    let mut tables = Vec::new();
    while let Some(item) = iter.next().unwrap() {
        tables.push(item.op().unwrap().table_name().to_owned());
    }
    assert_eq!(tables, ["item"], "the filter kept only the item table");
}
