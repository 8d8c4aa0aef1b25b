//! The one-shot channel a call's result travels back on, usable by blocking and async callers.

use crate::{Connection, Error, Result};
use parking_lot::{Condvar, Mutex};
use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use super::queue::Job;

/// How a call ended.
pub(crate) enum Outcome<T> {
    Returned(Result<T>),
    Panicked(Box<dyn Any + Send>),
    Closed,
}

impl<T> Outcome<T> {
    /// The caller's result; a panic in the call resumes here, in the caller's frame.
    pub(crate) fn into_result(self) -> Result<T> {
        match self {
            Outcome::Returned(result) => result,
            Outcome::Panicked(payload) => panic::resume_unwind(payload),
            Outcome::Closed => Err(Error::WorkerClosed),
        }
    }
}

/// How many times a waiting caller or an idle worker polls before it parks its thread.
pub(crate) const SPINS: u32 = 2_000;

pub(crate) struct Reply<T> {
    state: Mutex<(Option<Outcome<T>>, Option<Waker>)>,
    ready: Condvar,
}

impl<T> Reply<T> {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new((None, None)),
            ready: Condvar::new(),
        })
    }

    fn set(&self, outcome: Outcome<T>) {
        let mut state = self.state.lock();
        state.0 = Some(outcome);
        let waker = state.1.take();
        drop(state);
        self.ready.notify_all();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Blocks until the outcome arrives. Most calls finish within microseconds, so it first
    /// spins briefly: parking and unparking a thread costs more than a short call.
    pub(crate) fn wait(&self) -> Outcome<T> {
        for _ in 0..SPINS {
            if let Some(mut state) = self.state.try_lock()
                && let Some(outcome) = state.0.take()
            {
                return outcome;
            }
            std::hint::spin_loop();
        }
        let mut state = self.state.lock();
        loop {
            if let Some(outcome) = state.0.take() {
                return outcome;
            }
            self.ready.wait(&mut state);
        }
    }

    /// The outcome if it has arrived; otherwise registers the task to be woken.
    pub(crate) fn poll(&self, cx: &Context<'_>) -> Poll<Outcome<T>> {
        let mut state = self.state.lock();
        match state.0.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Sends `Closed` if the job is dropped without running, so no caller waits forever.
struct Answer<T>(Option<Arc<Reply<T>>>);

impl<T> Answer<T> {
    fn send(mut self, outcome: Outcome<T>) {
        if let Some(reply) = self.0.take() {
            reply.set(outcome);
        }
    }
}

impl<T> Drop for Answer<T> {
    fn drop(&mut self) {
        if let Some(reply) = self.0.take() {
            reply.set(Outcome::Closed);
        }
    }
}

/// Wraps a call as a job. A panic is caught on the worker thread and its payload travels to the
/// caller; either way the connection is made fit for the next call first (see [`clean_up`]),
/// and the worker keeps serving.
pub(crate) fn job<T, F>(f: F, reply: &Arc<Reply<T>>) -> Job
where
    F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    T: Send + 'static,
{
    let answer = Answer(Some(Arc::clone(reply)));
    Box::new(move |conn: Option<&mut Connection>| {
        let Some(conn) = conn else {
            answer.send(Outcome::Closed);
            return;
        };
        let outcome = match panic::catch_unwind(AssertUnwindSafe(|| f(&mut *conn))) {
            Ok(result) => match clean_up(conn) {
                LeftOpen::No => Outcome::Returned(result),
                LeftOpen::RolledBack => Outcome::Returned(Err(Error::TransactionLeftOpen {
                    cause: result.err().map(Box::new),
                })),
                LeftOpen::CleanupPanicked(payload) => Outcome::Panicked(payload),
            },
            Err(payload) => {
                // The call's own panic is the one its caller hears of.
                let _ = clean_up(conn);
                Outcome::Panicked(payload)
            }
        };
        answer.send(outcome);
    })
}

/// What a call left behind.
enum LeftOpen {
    No,
    /// A transaction was open; it has been rolled back.
    RolledBack,
    /// Rolling back ran a user callback (a profiler, a function) that panicked.
    CleanupPanicked(Box<dyn Any + Send>),
}

/// Makes the connection fit for the next caller: no transaction open (SQLite's, or a leaked
/// guard's), no statement part-way. A panic of a user callback during the rollback is caught
/// here, so the worker thread lives on.
fn clean_up(conn: &Connection) -> LeftOpen {
    let cleaned = panic::catch_unwind(AssertUnwindSafe(|| {
        conn.raw().forget_guards();
        conn.reset_user_settings();
        if conn.is_autocommit() {
            return LeftOpen::No;
        }
        conn.raw().reset_busy_statements();
        let _ = conn.run_control("ROLLBACK");
        LeftOpen::RolledBack
    }));
    cleaned.unwrap_or_else(LeftOpen::CleanupPanicked)
}
