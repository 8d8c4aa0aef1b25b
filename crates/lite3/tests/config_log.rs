//! SQLite's process-wide error log: accepted before SQLite initialises, refused cleanly after,
//! and a callback that reaches into SQLite is refused instead of deadlocking. Its own test
//! binary, since it must run before any connection of the process opens.

use lite3::{Connection, Error, ErrorCode};
use std::sync::Mutex;

static LOG: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());
static REENTRY: Mutex<Option<String>> = Mutex::new(None);

fn keep(code: i32, message: &str) {
    LOG.lock().unwrap().push((code, message.to_owned()));
    if message.contains("boom") {
        panic!("log callback exploded");
    }
    // Using SQLite from the log callback is refused, not a deadlock or SQLite misuse.
    if message.contains("probe_reentry") {
        let opened = Connection::open_in_memory().map(drop);
        *REENTRY.lock().unwrap() = Some(opened.unwrap_err().to_string());
    }
}

fn other(_: i32, _: &str) {}

#[test]
fn config_log_before_initialisation_and_refused_after() {
    lite3::trace::config_log(Some(keep)).expect("nothing has initialised SQLite yet");
    let conn = Connection::open_in_memory().unwrap();
    let _ = conn.execute_batch("SELECT * FROM no_such_table");
    {
        let log = LOG.lock().unwrap();
        assert!(
            log.iter()
                .any(|(code, m)| *code == 1 && m.contains("no such table: no_such_table")),
            "{log:?}"
        );
    }
    lite3::trace::log(lite3::ffi::SQLITE_WARNING, "probe_reentry");
    let refused = REENTRY.lock().unwrap().clone().unwrap();
    assert!(refused.contains("log callback"), "{refused}");
    assert!(
        LOG.lock()
            .unwrap()
            .iter()
            .any(|(code, m)| *code == 28 && m == "probe_reentry")
    );

    // A panic in the callback resumes in the lite3 call that made SQLite log, and SQLite's
    // own logging (a failed prepare) resumes it in that call.
    let payload = std::panic::catch_unwind(|| lite3::trace::log(1, "boom")).unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"log callback exploded")
    );
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        conn.prepare("SELECT boom FROM nowhere")
    }))
    .unwrap_err();
    assert_eq!(
        payload.downcast_ref::<&str>(),
        Some(&"log callback exploded")
    );
    assert_eq!(
        conn.query_row("SELECT 1", (), |r| r.get::<_, i64>(0))
            .unwrap(),
        1
    );

    // SQLite is initialised now: refused with a message that says why, and the old callback stays.
    let err = lite3::trace::config_log(Some(other)).unwrap_err();
    assert!(
        matches!(&err, Error::Sqlite(e) if e.code == ErrorCode::Misuse),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("before SQLite initialises"),
        "{err}"
    );
    lite3::trace::log(lite3::ffi::SQLITE_WARNING, "still here");
    assert!(LOG.lock().unwrap().iter().any(|(_, m)| m == "still here"));
    drop(conn);
}
