//! [`InterruptHandle`]: stopping a running statement from another thread.

use crate::raw::InterruptTarget;
use std::sync::Arc;

/// Interrupts whatever statement its connection is running, from any thread.
///
/// The interrupted statement fails with [`ErrorCode::Interrupt`](crate::ErrorCode::Interrupt)
/// and the connection stays usable. SQLite forgets an interrupt once no statement is running,
/// and lite3 resets every statement when its call or its `Rows` ends, so an interrupt never
/// leaks into a statement started after the interrupted one finished. After the connection is
/// closed, `interrupt` does nothing: the handle never touches a closed connection. A handle
/// taken from a pooled connection stops working when that connection goes back to the pool, so
/// it can never interrupt the next borrower's work.
///
/// ```
/// use lite3::{Connection, ErrorCode};
/// use std::time::Duration;
///
/// let conn = Connection::open_in_memory()?;
/// let handle = conn.interrupt_handle();
/// let stopper = std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     handle.interrupt();
/// });
/// let endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c";
/// let err = conn.query_row(endless, (), |row| row.get::<_, i64>(0)).unwrap_err();
/// assert_eq!(err.sqlite_code(), Some(ErrorCode::Interrupt));
/// stopper.join().unwrap();
/// assert_eq!(conn.query_row("SELECT 1", (), |row| row.get::<_, i64>(0))?, 1);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone)]
pub struct InterruptHandle {
    target: Arc<InterruptTarget>,
    /// The target's generation when the handle was made; see [`InterruptTarget`].
    generation: u64,
}

impl InterruptHandle {
    pub(crate) fn new(target: Arc<InterruptTarget>) -> Self {
        let generation = target.generation();
        Self { target, generation }
    }

    /// Interrupts the statement running now (no-op if none is, or the connection is closed).
    ///
    /// ```
    /// let handle = lite3::Connection::open_in_memory()?.interrupt_handle();
    /// handle.interrupt(); // the connection is gone: nothing happens
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn interrupt(&self) {
        self.target.interrupt(self.generation);
    }
}

impl std::fmt::Debug for InterruptHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InterruptHandle").finish_non_exhaustive()
    }
}
