//! `lite3 shell`: piped input, and a real terminal driven through tmux (typing, multi-line
//! statements, history, Ctrl-C, errors that do not end the session).

mod common;

use common::{Scratch, lite3_with_input, ok, rows};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn piped_input_runs_statements_and_commands_and_fails_at_the_end_if_one_failed() {
    let s = Scratch::new("shell-piped");
    let db = s.path("t.db");
    let input = b"CREATE TABLE t(x);\nINSERT INTO t\n  VALUES (1);\n.mode csv\nSELECT x FROM t;\n\
                  SELEC 1;\n.bogus\n.tables\nINSERT INTO t VALUES (2);\n";
    let out = lite3_with_input(&["shell", &db], input);
    assert_eq!(out.status.code(), Some(1), "a statement failed");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "x\n1\nname,type\nt,table\n"
    );
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "lite3: <stdin>:6: near \"SELEC\": syntax error\n\
         lite3: unknown command .bogus (.help lists them)\n"
    );
    assert_eq!(
        rows(&db, "SELECT x FROM t"),
        "x\n1\n2\n",
        "it went on after the failures"
    );
    let incomplete = lite3_with_input(&["shell", &db], b"INSERT INTO t VALUES (3)\n");
    assert_eq!(incomplete.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&incomplete.stderr).contains("<stdin>:1: incomplete statement")
    );
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n2\n");
    let clean = lite3_with_input(&["shell", &db], b".read /nonexistent/x.sql\n");
    assert_eq!(clean.status.code(), Some(1));
    let read_only = lite3_with_input(&["shell", &db, "--read-only"], b"DELETE FROM t;\n");
    assert!(
        String::from_utf8_lossy(&read_only.stderr).contains("attempt to write a readonly database")
    );
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n2\n");
    common::refuses_a_non_database(&s, &["shell", "DB"]);
    // A database another process holds exclusively: the shell waits --timeout, then names it.
    let holder = lite3::Connection::open(&db).unwrap();
    holder
        .execute_batch("BEGIN EXCLUSIVE; INSERT INTO t VALUES (9)")
        .unwrap();
    let locked = lite3_with_input(&["shell", &db, "--timeout", "0.1"], b"SELECT 1;\n");
    assert_eq!(locked.status.code(), Some(1));
    let err = String::from_utf8_lossy(&locked.stderr).into_owned();
    assert!(err.contains(&format!("{db}: database is locked")), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(rows(&db, "SELECT count(*) FROM t"), "count(*)\n2\n");
}

/// A `lite3 shell` in a tmux session of its own, killed when dropped.
struct Terminal {
    session: String,
}

impl Terminal {
    /// `None` when tmux is not installed (a plain `cargo test` needs only Rust and a C
    /// compiler); CI installs it, and there its absence is a failure.
    fn start(s: &Scratch, db: &str) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install tmux for this test"
            );
            eprintln!("tmux is not installed: the terminal test is skipped");
            return None;
        }
        let session = format!("lite3-test-{}", std::process::id());
        let command = format!(
            "env LITE3_HISTORY={} {} shell {db}",
            s.path("history"),
            env!("CARGO_BIN_EXE_lite3")
        );
        let started = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &session,
                "-x",
                "100",
                "-y",
                "40",
                &command,
            ])
            .status()
            .unwrap();
        assert!(started.success());
        let terminal = Terminal { session };
        terminal.wait_for("lite3>");
        Some(terminal)
    }

    /// Types `text` as literal keys (tmux would take a trailing `;` as its own separator).
    fn type_text(&self, text: &str) {
        let escaped = text
            .strip_suffix(';')
            .map_or(text.to_owned(), |t| format!("{t}\\;"));
        self.keys(&["-l", &escaped]);
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    fn line(&self, text: &str) {
        self.type_text(text);
        self.keys(&["Enter"]);
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    }

    /// Waits (up to 10 s: the machine may be loaded) until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |screen| screen.contains(text))
    }

    /// Waits until the shell shows a fresh, empty prompt: it is reading again. Keys typed
    /// before that may be lost (the line editor discards type-ahead when it takes the
    /// terminal), so every step waits for this before typing.
    fn wait_for_prompt(&self) {
        self.wait_until("an empty prompt", |screen| {
            screen.lines().rev().find(|l| !l.trim().is_empty()) == Some("lite3>")
        });
    }

    /// Types `text`, presses Enter and waits for the next empty prompt.
    fn run(&self, text: &str) {
        self.line(text);
        self.wait_for_prompt();
    }

    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{what:?} never showed:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn is_running(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .output()
            .is_ok_and(|o| o.status.success())
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .output();
    }
}

#[test]
fn a_terminal_session_edits_spans_lines_remembers_and_survives_errors() {
    let s = Scratch::new("shell-tty");
    let db = s.path("t.db");
    ok(&["query", &db, "CREATE TABLE t(x)"]);
    let Some(term) = Terminal::start(&s, &db) else {
        return;
    };
    term.wait_for_prompt();
    // A statement over two lines: the second prompt continues it.
    term.line("SELECT");
    term.wait_for("   ...>");
    term.run("  'multi' || 'line' AS word;");
    term.wait_for("multiline");
    term.run("INSERT INTO t VALUES (41);");
    term.run("SELEC oops;");
    term.wait_for("error: near \"SELEC\": syntax error");
    // Up recalls the last statement; editing it and running it works.
    term.run("UPDATE t SET x = x + 1;");
    term.keys(&["Up"]);
    term.wait_for("lite3> UPDATE t SET x = x + 1;\nlite3> UPDATE t SET x = x + 1;");
    term.keys(&["Enter"]);
    term.wait_for_prompt();
    // Ctrl-C drops a half-typed statement; the prompt comes back.
    term.type_text("DELETE FROM t");
    term.wait_for("lite3> DELETE FROM t");
    term.keys(&["C-c"]);
    term.wait_for_prompt();
    term.run("SELECT x AS answer FROM t;");
    term.wait_for("43");
    // Ctrl-C while a statement runs stops the statement, not the shell.
    term.line(
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) SELECT max(n) FROM c;",
    );
    // Pressed again until it lands: one that arrives in the instant between the line editor
    // letting go and the statement starting finds nothing to stop.
    term.wait_until("error: interrupted", |screen| {
        let stopped = screen.contains("error: interrupted");
        if !stopped {
            term.keys(&["C-c"]);
            std::thread::sleep(Duration::from_millis(200));
        }
        stopped
    });
    term.wait_for_prompt();
    term.run("SELECT 'still' || 'here' AS alive;");
    term.wait_for("stillhere");
    term.line(".quit");
    let deadline = Instant::now() + Duration::from_secs(10);
    while term.is_running() {
        assert!(Instant::now() < deadline, "the shell did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        rows(&db, "SELECT x FROM t"),
        "x\n43\n",
        "the DELETE never ran"
    );
    let history = std::fs::read_to_string(s.path("history")).unwrap();
    assert!(history.contains("INSERT INTO t VALUES (41);"), "{history}");
}
