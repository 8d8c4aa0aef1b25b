//! A set of interchangeable connections (the readers, or the one writer) that threads check out
//! and return, waiting up to a timeout when all are busy.

use crate::{Connection, Error, Result};
use parking_lot::{Condvar, Mutex};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The most idle slots allocated before they are needed.
const PREALLOCATED: usize = 64;

pub(crate) struct Slots {
    kind: &'static str,
    state: Mutex<State>,
    returned: Condvar,
    capacity: usize,
}

struct State {
    idle: Vec<Connection>,
    /// Connections to (re)open on demand: not yet opened, or closed after a fatal error.
    missing: usize,
}

/// Counters shared by all slots of a pool.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) in_use: AtomicUsize,
    pub(crate) waits: AtomicU64,
    pub(crate) wait_nanos: AtomicU64,
    pub(crate) replaced: AtomicU64,
}

impl Slots {
    /// `capacity` connections, each opened on first checkout.
    pub(crate) fn new(kind: &'static str, capacity: usize) -> Self {
        let state = State {
            // The capacity is a limit; a huge one must not be allocated up front.
            idle: Vec::with_capacity(capacity.min(PREALLOCATED)),
            missing: capacity,
        };
        Self {
            kind,
            state: Mutex::new(state),
            returned: Condvar::new(),
            capacity,
        }
    }

    /// Takes an idle connection, or opens a missing one with `open`, waiting up to `timeout`
    /// (`Duration::MAX`, or any timeout past what `Instant` can hold, waits without a deadline).
    /// If `open` fails or panics, the slot stays missing, for the next checkout to try again,
    /// and the panic resumes here.
    pub(crate) fn checkout(
        &self,
        timeout: Duration,
        counters: &Counters,
        open: impl FnOnce() -> Result<Connection>,
    ) -> Result<Connection> {
        let start = Instant::now();
        let deadline = start.checked_add(timeout);
        let mut state = self.state.lock();
        let mut waited = false;
        let conn = loop {
            if let Some(conn) = state.idle.pop() {
                break conn;
            }
            if state.missing > 0 {
                state.missing -= 1;
                drop(state);
                // Opening happens outside the lock; on failure the slot stays missing.
                match panic::catch_unwind(AssertUnwindSafe(open)) {
                    Ok(Ok(conn)) => break conn,
                    failed => {
                        self.state.lock().missing += 1;
                        self.returned.notify_one();
                        return match failed {
                            Ok(result) => result,
                            Err(payload) => panic::resume_unwind(payload),
                        };
                    }
                }
            }
            waited = true;
            let Some(deadline) = deadline else {
                self.returned.wait(&mut state);
                continue;
            };
            if self.returned.wait_until(&mut state, deadline).timed_out()
                && state.idle.is_empty()
                && state.missing == 0
            {
                counters.waits.fetch_add(1, Ordering::Relaxed);
                return Err(Error::PoolTimeout {
                    kind: self.kind,
                    waited: start.elapsed(),
                });
            }
        };
        if waited {
            counters.waits.fetch_add(1, Ordering::Relaxed);
            counters
                .wait_nanos
                .fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        }
        counters.in_use.fetch_add(1, Ordering::Relaxed);
        Ok(conn)
    }

    /// How many connections this set holds when all are open.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Gives a connection back, or records that it was closed and must be reopened.
    pub(crate) fn checkin(&self, conn: Option<Connection>, counters: &Counters) {
        counters.in_use.fetch_sub(1, Ordering::Relaxed);
        let mut state = self.state.lock();
        match conn {
            Some(conn) => state.idle.push(conn),
            None => state.missing += 1,
        }
        drop(state);
        self.returned.notify_one();
    }
}
