//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// A scratch directory, unique to the test process and `name`, removed on drop.
pub struct TempDir(pub PathBuf);

#[allow(dead_code, reason = "not every test binary uses it")]
impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("lite3-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// A database path inside the directory.
    #[allow(dead_code, reason = "not every test binary uses it")]
    pub fn db(&self) -> PathBuf {
        self.0.join("test.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Held for the whole of a test that opens connections directly. With a single-threaded SQLite
/// (`single-thread` feature) one thread at a time may use SQLite, and the test harness runs tests
/// on parallel threads: the lock gives each test its turn, so the suite passes when run the
/// ordinary way. Other builds need no turn and get none.
#[allow(dead_code, reason = "not every test binary uses it")]
pub fn sqlite_turn() -> Option<std::sync::MutexGuard<'static, ()>> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    cfg!(feature = "single-thread").then(|| {
        TURN.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    })
}

/// A statement profiler that panics when it sees `ROLLBACK` finish: a user callback that fails
/// during lite3's own cleanup.
#[allow(dead_code, reason = "not every test binary uses it")]
pub fn profiler_panicking_on_rollback() -> impl FnMut(&str, std::time::Duration) + Send + 'static {
    |sql: &str, _| {
        if sql == "ROLLBACK" {
            panic!("profiler panics on ROLLBACK");
        }
    }
}
