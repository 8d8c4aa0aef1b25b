//! `cargo xtask crash [--rounds N] [--seed S]`: the crash loop. Each round starts the `replicate_writer`
//! example on a database that earlier rounds already crashed on; it commits tagged transactions
//! through a Connection, a Pool (WAL mode) and a Worker at once, printing each tag once its
//! commit has returned, and is killed with SIGKILL at a random point. The writer's `verify` then
//! checks the file as the next process finds it: `integrity_check` ok, every acknowledged
//! transaction present (across all rounds so far), none partial. Rounds alternate between WAL
//! and rollback-journal (`delete`) databases, so both recovery paths (WAL replay, hot journal
//! rollback) run again at every round's first open.

use crate::cmd;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn run(args: Vec<String>) -> Result<(), String> {
    let mut rounds = 20u32;
    let mut seed = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--rounds needs a positive number")?;
            }
            "--seed" => {
                seed = Some(
                    args.next()
                        .and_then(|s| s.parse().ok())
                        .ok_or("--seed needs a number")?,
                );
            }
            // Accepted for `cargo xtask ci --install`: nothing to install.
            "--install" => {}
            other => return Err(format!("crash: unknown option {other:?}")),
        }
    }
    let root = cmd::workspace_root();
    let writer = crate::replicate::build_writer(&root)?;
    let dir = root.join("target/crash");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;

    let started = Instant::now();
    let mut random = Lcg::seeded(seed);
    let mut acknowledged = [0usize; 2];
    for round in 0..rounds {
        let mode = if round % 2 == 0 { "wal" } else { "delete" };
        // Between 50 ms and 1 s of writing: some kills land during the first commits after a
        // recovery, some deep into a run.
        let after = Duration::from_millis(50 + random.next() % 950);
        let count = crash_once(&writer, &dir, mode, after)
            .map_err(|e| format!("round {} ({mode}): {e}", round + 1))?;
        acknowledged[round as usize % 2] = count;
    }
    println!(
        "crash loop: {rounds} rounds of SIGKILL in {:.1}s; after every kill, every acknowledged \
         transaction was there, none partial, integrity ok ({} acknowledged in WAL mode, {} with \
         a rollback journal)",
        started.elapsed().as_secs_f64(),
        acknowledged[0],
        acknowledged[1]
    );
    Ok(())
}

/// One round on `dir/<mode>.db`: the writer runs for `after`, is killed, and the file is
/// verified against every tag acknowledged on it so far; returns how many that is.
fn crash_once(writer: &Path, dir: &Path, mode: &str, after: Duration) -> Result<usize, String> {
    let db = dir.join(format!("{mode}.db"));
    let acked_path = dir.join(format!("{mode}.acked"));
    let acked = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&acked_path)
        .map_err(|e| format!("{}: {e}", acked_path.display()))?;
    let before = acked_count(&acked_path)?;
    let mut child = Command::new(writer)
        .arg("write")
        .arg(&db)
        .args(["0", mode])
        .stdout(acked)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", writer.display()))?;
    // Count from the first acknowledged commit, so the kill lands while transactions run (the
    // open, recovery and schema come first and vary in time).
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked_count(&acked_path)? == before {
        if let Ok(Some(status)) = child.try_wait() {
            let mut message = String::new();
            if let Some(mut err) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut err, &mut message);
            }
            return Err(format!(
                "the writer exited before committing ({status}): {message}"
            ));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            return Err("the writer committed nothing in 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(after);
    child.kill().map_err(|e| e.to_string())?; // SIGKILL
    let _ = child.wait();
    let verdict = cmd::output(Command::new(writer).arg("verify").arg(&db).arg(&acked_path))
        .map_err(|e| format!("after the kill: {e}"))?;
    if !verdict.contains("missing 0") {
        return Err(format!("after the kill: {}", verdict.trim()));
    }
    acked_count(&acked_path)
}

fn acked_count(path: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text.lines().filter(|l| !l.is_empty()).count())
}

/// A small generator for the kill delays (no dependency for a few numbers); seeded from the
/// clock unless `--seed` says, so runs differ, and the seed is printed so that a failing run's
/// delays can be replayed (the writer's threads still interleave differently each time).
struct Lcg(u64);

impl Lcg {
    fn seeded(seed: Option<u64>) -> Self {
        let seed = seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
        println!("crash loop: seed {seed} (kill delays derive from it; --seed replays them)");
        Lcg(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}
