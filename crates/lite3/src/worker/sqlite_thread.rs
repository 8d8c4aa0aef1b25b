//! The process-wide thread that makes every call into a single-threaded SQLite
//! (SQLITE_THREADSAFE=0), and the connections it holds for each Worker. Every task runs under
//! `catch_unwind`: one panicking task (an `on_open`, a cleanup callback) must not take SQLite
//! away from every Worker of the process.

use crate::Connection;
use crate::raw::become_the_worker_thread;
use parking_lot::{Condvar, Mutex};
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::panic::{self, AssertUnwindSafe};
use std::sync::OnceLock;
use std::thread;

pub(crate) type Task = Box<dyn FnOnce() + Send>;

thread_local! {
    /// The SQLite thread's connections, one per Worker, keyed by Worker.
    static CONNECTIONS: RefCell<HashMap<u64, Connection>> = RefCell::new(HashMap::new());
}

/// Runs `f` with the connections map; only ever called on the SQLite thread.
pub(crate) fn with_connections<R>(f: impl FnOnce(&mut HashMap<u64, Connection>) -> R) -> R {
    CONNECTIONS.with(|c| f(&mut c.borrow_mut()))
}

pub(crate) struct SqliteThread {
    tasks: Mutex<VecDeque<Task>>,
    ready: Condvar,
}

impl SqliteThread {
    pub(crate) fn submit(&self, task: Task) {
        self.tasks.lock().push_back(task);
        self.ready.notify_one();
    }

    fn serve(&self) -> ! {
        become_the_worker_thread();
        loop {
            let task = {
                let mut tasks = self.tasks.lock();
                loop {
                    if let Some(task) = tasks.pop_front() {
                        break task;
                    }
                    self.ready.wait(&mut tasks);
                }
            };
            // Tasks report their own panics to their callers; whatever escapes is dropped here
            // so that the thread, and SQLite with it, stays available.
            let _ = panic::catch_unwind(AssertUnwindSafe(task));
        }
    }
}

/// The thread, started on first use.
pub(crate) fn get() -> &'static SqliteThread {
    static THREAD: OnceLock<&'static SqliteThread> = OnceLock::new();
    THREAD.get_or_init(|| {
        let shared: &'static SqliteThread = Box::leak(Box::new(SqliteThread {
            tasks: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
        }));
        thread::Builder::new()
            .name("lite3-sqlite".into())
            .spawn(move || shared.serve())
            .expect("cannot start lite3's SQLite thread");
        shared
    })
}
