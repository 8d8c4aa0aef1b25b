//! Where a Worker's calls run: its own thread, or, when the linked SQLite is single-threaded
//! (SQLITE_THREADSAFE=0), the one process-wide SQLite thread that every Worker shares.

use super::queue::Queue;
use super::sqlite_thread;
use crate::raw::on_the_worker_thread;
use crate::{Connection, Error, Result};
use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::{self, JoinHandle, ThreadId};

pub(crate) type Opener = Box<dyn FnOnce() -> Result<Connection> + Send>;

pub(crate) enum Runner {
    /// A thread of this Worker's own, joined when the Worker is dropped.
    Dedicated {
        thread: Option<JoinHandle<()>>,
        id: ThreadId,
    },
    /// The shared SQLite thread; `key` finds this Worker's connection there.
    Shared { key: u64 },
}

/// The thread a Worker's calls run on: a call made from there could never run (it would wait
/// for itself), so it is refused.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Home {
    Thread(ThreadId),
    SqliteThread,
}

impl Home {
    pub(crate) fn is_current_thread(self) -> bool {
        match self {
            Home::Thread(id) => id == thread::current().id(),
            Home::SqliteThread => on_the_worker_thread(),
        }
    }
}

/// How opening the connection ended, as sent back to `build()`.
enum Opened {
    Ok,
    Failed(Error),
    Panicked(Box<dyn Any + Send>),
}

impl Opened {
    /// Runs `open` (the user's `on_open` included), catching a panic.
    fn run(open: Opener) -> (Opened, Option<Connection>) {
        match panic::catch_unwind(AssertUnwindSafe(open)) {
            Ok(Ok(conn)) => (Opened::Ok, Some(conn)),
            Ok(Err(error)) => (Opened::Failed(error), None),
            Err(payload) => (Opened::Panicked(payload), None),
        }
    }

    /// The outcome for the caller of `build()`: an `on_open` panic resumes there.
    fn into_result(self) -> Result<()> {
        match self {
            Opened::Ok => Ok(()),
            Opened::Failed(error) => Err(error),
            Opened::Panicked(payload) => panic::resume_unwind(payload),
        }
    }
}

impl Runner {
    /// Opens the connection where the calls will run and starts serving `queue`.
    pub(crate) fn start(queue: &Arc<Queue>, open: Opener) -> Result<Runner> {
        if crate::raw::library_is_single_threaded() {
            start_shared(open)
        } else {
            start_dedicated(queue, open)
        }
    }

    pub(crate) fn home(&self) -> Home {
        match self {
            Runner::Dedicated { id, .. } => Home::Thread(*id),
            Runner::Shared { .. } => Home::SqliteThread,
        }
    }

    /// Stops serving after the queue was closed: joins the thread, or closes the shared
    /// thread's connection for this Worker.
    pub(crate) fn stop(&mut self) {
        match self {
            Runner::Dedicated { thread, id } => {
                // A Worker dropped by one of its own calls cannot wait for itself.
                if *id != thread::current().id()
                    && let Some(thread) = thread.take()
                {
                    let _ = thread.join();
                }
            }
            Runner::Shared { key } => {
                let key = *key;
                let (closed_tx, closed_rx) = mpsc::sync_channel(1);
                sqlite_thread::get().submit(Box::new(move || {
                    let conn = sqlite_thread::with_connections(|c| c.remove(&key));
                    drop(conn);
                    let _ = closed_tx.send(());
                }));
                // Wait until the connection is closed, unless this is the SQLite thread itself.
                if !on_the_worker_thread() {
                    let _ = closed_rx.recv();
                }
            }
        }
    }

    pub(crate) fn notifier(&self) -> Notifier {
        match self {
            Runner::Dedicated { .. } => Notifier(None),
            Runner::Shared { key } => Notifier(Some(*key)),
        }
    }
}

/// How to announce a queued job to the runner (the dedicated thread is woken by the queue
/// itself); a cheap copy, so futures need not keep the Worker alive.
#[derive(Clone, Copy)]
pub(crate) struct Notifier(Option<u64>);

impl Notifier {
    pub(crate) fn notify(self, queue: &Arc<Queue>) {
        if let Some(key) = self.0 {
            run_one_later(key, queue);
        }
    }
}

fn start_dedicated(queue: &Arc<Queue>, open: Opener) -> Result<Runner> {
    let (opened_tx, opened_rx) = mpsc::sync_channel(1);
    let queue = Arc::clone(queue);
    let thread = thread::Builder::new()
        .name("lite3-worker".into())
        .spawn(move || {
            let (opened, conn) = Opened::run(open);
            let _ = opened_tx.send(opened);
            let Some(mut conn) = conn else { return };
            while let Some(job) = queue.pop() {
                // A job reports its own panics to its caller; anything escaping it must not
                // end the thread that every later call needs.
                let _ = panic::catch_unwind(AssertUnwindSafe(|| job(Some(&mut conn))));
            }
        })
        .map_err(Error::WorkerSpawn)?;
    let id = thread.thread().id();
    let opened = opened_rx
        .recv()
        .unwrap_or(Opened::Failed(Error::WorkerClosed));
    let mut thread = Some(thread);
    if !matches!(opened, Opened::Ok) {
        // The thread ends right after reporting a failure; join it before answering.
        thread.take().map(JoinHandle::join);
    }
    opened.into_result()?;
    Ok(Runner::Dedicated { thread, id })
}

fn start_shared(open: Opener) -> Result<Runner> {
    // Opening is a task of the SQLite thread: waiting for it there would wait forever.
    if on_the_worker_thread() {
        return Err(Error::WorkerReentry);
    }
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    let (opened_tx, opened_rx) = mpsc::sync_channel(1);
    sqlite_thread::get().submit(Box::new(move || {
        let (opened, conn) = Opened::run(open);
        if let Some(conn) = conn {
            sqlite_thread::with_connections(|c| c.insert(key, conn));
        }
        let _ = opened_tx.send(opened);
    }));
    opened_rx
        .recv()
        .map_err(|_| Error::WorkerClosed)?
        .into_result()?;
    Ok(Runner::Shared { key })
}

/// Has the SQLite thread run the next job of Worker `key`'s queue.
fn run_one_later(key: u64, queue: &Arc<Queue>) {
    let queue = Arc::clone(queue);
    sqlite_thread::get().submit(Box::new(move || {
        if let Some(job) = queue.try_pop() {
            sqlite_thread::with_connections(|c| job(c.get_mut(&key)));
        }
    }));
}
