//! Where a Worker's calls run: its own thread, or, when the linked SQLite is single-threaded
//! (SQLITE_THREADSAFE=0), the one process-wide SQLite thread that every Worker shares.

use super::queue::Queue;
use crate::raw::{become_the_sqlite_thread, on_the_sqlite_thread};
use crate::{Connection, Result};
use parking_lot::{Condvar, Mutex};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
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

impl Runner {
    /// Opens the connection where the calls will run and starts serving `queue`.
    pub(crate) fn start(queue: &Arc<Queue>, open: Opener) -> Result<Runner> {
        if crate::raw::library_is_single_threaded() {
            start_shared(open)
        } else {
            start_dedicated(queue, open)
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
                sqlite_thread().submit(Box::new(move || {
                    let conn = CONNECTIONS.with(|c| c.borrow_mut().remove(&key));
                    drop(conn);
                    let _ = closed_tx.send(());
                }));
                // Wait until the connection is closed, unless this is the SQLite thread itself.
                if !on_the_sqlite_thread() {
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
            let mut conn = match open() {
                Ok(conn) => conn,
                Err(error) => {
                    let _ = opened_tx.send(Err(error));
                    return;
                }
            };
            let _ = opened_tx.send(Ok(()));
            while let Some(job) = queue.pop() {
                job(Some(&mut conn));
            }
        })
        .map_err(crate::Error::WorkerSpawn)?;
    let id = thread.thread().id();
    match opened_rx.recv() {
        Ok(Ok(())) => Ok(Runner::Dedicated {
            thread: Some(thread),
            id,
        }),
        Ok(Err(error)) => {
            let _ = thread.join();
            Err(error)
        }
        Err(_) => {
            let _ = thread.join();
            Err(crate::Error::WorkerClosed)
        }
    }
}

thread_local! {
    /// The shared SQLite thread's connections, one per Worker, keyed by Worker.
    static CONNECTIONS: RefCell<HashMap<u64, Connection>> = RefCell::new(HashMap::new());
}

fn start_shared(open: Opener) -> Result<Runner> {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    let (opened_tx, opened_rx) = mpsc::sync_channel(1);
    sqlite_thread().submit(Box::new(move || {
        let result = open().map(|conn| {
            CONNECTIONS.with(|c| c.borrow_mut().insert(key, conn));
        });
        let _ = opened_tx.send(result);
    }));
    opened_rx.recv().map_err(|_| crate::Error::WorkerClosed)??;
    Ok(Runner::Shared { key })
}

/// Has the SQLite thread run the next job of Worker `key`'s queue.
fn run_one_later(key: u64, queue: &Arc<Queue>) {
    let queue = Arc::clone(queue);
    sqlite_thread().submit(Box::new(move || {
        if let Some(job) = queue.try_pop() {
            CONNECTIONS.with(|c| {
                let mut connections = c.borrow_mut();
                job(connections.get_mut(&key));
            });
        }
    }));
}

type Task = Box<dyn FnOnce() + Send>;

/// The process-wide thread that makes every call into a single-threaded SQLite.
struct SqliteThread {
    tasks: Mutex<VecDeque<Task>>,
    ready: Condvar,
}

impl SqliteThread {
    fn submit(&self, task: Task) {
        self.tasks.lock().push_back(task);
        self.ready.notify_one();
    }
}

fn sqlite_thread() -> &'static SqliteThread {
    static THREAD: OnceLock<&'static SqliteThread> = OnceLock::new();
    THREAD.get_or_init(|| {
        let shared: &'static SqliteThread = Box::leak(Box::new(SqliteThread {
            tasks: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }));
        thread::Builder::new()
            .name("lite3-sqlite".into())
            .spawn(move || {
                become_the_sqlite_thread();
                loop {
                    let task = {
                        let mut tasks = shared.tasks.lock();
                        loop {
                            if let Some(task) = tasks.pop_front() {
                                break task;
                            }
                            shared.ready.wait(&mut tasks);
                        }
                    };
                    task();
                }
            })
            .expect("cannot start lite3's SQLite thread");
        shared
    })
}
