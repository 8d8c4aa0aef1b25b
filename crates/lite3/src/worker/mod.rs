//! [`Worker`]: a connection owned by one thread, used from any thread by sending it closures.

mod queue;
mod reply;
mod runner;
mod sqlite_thread;

use crate::encryption::{Encryption, open_maybe_encrypted};
use crate::on_open::OnOpen;
use crate::{Connection, Error, OpenFlags, Result};
use parking_lot::Mutex;
use queue::{Queue, Refused};
use reply::{Outcome, Reply};
use runner::{Home, Notifier, Runner};
use std::ffi::CString;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A connection that lives on a thread of its own; any thread sends it work as closures.
///
/// This is the worker-thread pattern for C libraries that must stay on one thread. `Worker` is
/// `Send + Sync` and cheap to clone; calls from all clones run one at a time, in order, on the
/// worker's thread. When SQLite itself is single-threaded (the `single-thread` feature, or a
/// system library built with `SQLITE_THREADSAFE=0`), every Worker runs its calls on one shared
/// process-wide thread, which owns SQLite while any Worker lives: Workers are then how several
/// threads share SQLite.
///
/// - [`call`](Self::call) blocks until the closure has run and returns its result;
///   [`call_async`](Self::call_async) returns a future (no runtime needed);
///   [`try_call`](Self::try_call) fails instead of waiting when the queue is full.
/// - Every call starts on a clean connection: no transaction open. A call that returns (`Ok` or
///   `Err`) with a transaction still open, e.g. `execute_batch("BEGIN; …")` that failed half-way,
///   has it rolled back, and its result becomes [`Error::TransactionLeftOpen`] (carrying the
///   call's own error, if any): later calls never run inside it, and nothing is acknowledged that
///   a later rollback could lose. Commit before returning.
/// - A panicking closure: any transaction it left open is rolled back, the worker keeps
///   serving, and the panic is re-raised in the caller. A user callback that panics during that
///   rollback does not end the worker either.
/// - An `on_open` that fails or panics: [`build`](WorkerBuilder::build) returns the error or
///   resumes the panic.
/// - Dropping the last clone closes the queue: calls still queued get [`Error::WorkerClosed`],
///   then the connection is closed and the thread exits (and is joined).
/// - A call made from the thread that runs the worker's calls (from inside a call, or, with a
///   single-threaded SQLite, from inside any Worker's call) could only run after the call that
///   is waiting for it: it fails at once with [`Error::WorkerReentry`] instead of hanging.
/// - In a child process after `fork()`, the worker's thread does not exist: calls fail with
///   [`Error::Forked`], and dropping the Worker there leaves the parent's connection alone.
///
/// ```
/// use lite3::Worker;
///
/// let worker = Worker::open_in_memory()?;
/// worker.call(|conn| conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);"))?;
/// let handles: Vec<_> = (0..4)
///     .map(|i| {
///         let worker = worker.clone();
///         std::thread::spawn(move || worker.call(move |conn| conn.execute("INSERT INTO t VALUES (?1)", (i,))))
///     })
///     .collect();
/// for h in handles {
///     h.join().unwrap()?;
/// }
/// let n: i64 = worker.call(|conn| conn.query_row("SELECT count(*) FROM t", (), |r| r.get(0)))?;
/// assert_eq!(n, 6);
/// # Ok::<(), lite3::Error>(())
/// ```
#[derive(Clone)]
pub struct Worker {
    inner: Arc<Inner>,
}

struct Inner {
    queue: Arc<Queue>,
    runner: Mutex<Runner>,
    /// What a call checks before it is queued.
    gate: Gate,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.gate.generation != crate::raw::process_generation() {
            // A forked child: the worker's thread is not here to stop or join, and the jobs and
            // the connection are the parent's. Leave everything as it is.
            let runner = std::mem::replace(self.runner.get_mut(), Runner::Shared { key: 0 });
            std::mem::forget(runner);
            return;
        }
        for job in self.queue.close() {
            job(None);
        }
        self.runner.get_mut().stop();
    }
}

/// What every call checks before it is queued, cheap to copy into a future.
#[derive(Clone, Copy)]
struct Gate {
    notifier: Notifier,
    home: Home,
    /// The process generation the worker was started in (see `raw::fork`).
    generation: u32,
}

impl Gate {
    /// Refuses a call that could never run: from the worker's own thread, or in a forked child.
    fn check(self) -> Result<()> {
        if self.generation != crate::raw::process_generation() {
            return Err(Error::Forked);
        }
        if self.home.is_current_thread() {
            return Err(Error::WorkerReentry);
        }
        Ok(())
    }
}

/// Configures a [`Worker`]; from [`Worker::builder`].
///
/// ```
/// let worker = lite3::Worker::builder(":memory:")
///     .capacity(8)
///     .on_open(|conn| conn.execute_batch("CREATE TABLE t(x)"))
///     .build()?;
/// worker.call(|conn| conn.execute("INSERT INTO t VALUES (1)", ()))?;
/// # Ok::<(), lite3::Error>(())
/// ```
#[must_use = "a builder does nothing until build() is called"]
pub struct WorkerBuilder {
    path: PathBuf,
    flags: OpenFlags,
    capacity: usize,
    on_open: OnOpen,
    encryption: Option<Encryption>,
    vfs: Option<String>,
}

impl WorkerBuilder {
    /// How many calls may wait in the queue (default 64; at least 1). A limit, not an
    /// allocation: `usize::MAX` means "never full".
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// Flags to open the database with (default: read-write, create, URI).
    pub fn flags(mut self, flags: OpenFlags) -> Self {
        self.flags = flags;
        self
    }

    /// Opens the connection through the VFS named `vfs` (see [`crate::vfs`]) instead of
    /// SQLite's default. A name with a NUL byte or one SQLite does not know fails
    /// [`build`](Self::build).
    pub fn vfs(mut self, vfs: &str) -> Self {
        self.vfs = Some(vfs.to_owned());
        self
    }

    /// Runs on the connection right after it is opened, on the worker's thread. An error it
    /// returns is returned by [`build`](Self::build); a panic resumes there.
    pub fn on_open<F>(mut self, f: F) -> Self
    where
        F: Fn(&Connection) -> Result<()> + Send + Sync + 'static,
    {
        self.on_open = OnOpen::new(f);
        self
    }

    /// Opens the connection with `encryption`'s key and cipher (see
    /// [`Connection::open_encrypted`]); the key never passes through `on_open`.
    pub fn encryption(mut self, encryption: Encryption) -> Self {
        self.encryption = Some(encryption);
        self
    }

    /// Starts the worker: opens the connection on its thread and waits until it is open.
    ///
    /// # Errors
    /// The errors of opening the database or of `on_open`; [`Error::WorkerSpawn`];
    /// [`Error::WorkerReentry`] when called from the single-threaded SQLite's thread.
    ///
    /// # Panics
    /// When `on_open` panics: the panic resumes here.
    pub fn build(self) -> Result<Worker> {
        let queue = Arc::new(Queue::new(self.capacity));
        let (path, flags, on_open, encryption, vfs) = (
            self.path,
            self.flags,
            self.on_open,
            self.encryption,
            self.vfs,
        );
        let vfs: Option<CString> = vfs
            .map(|vfs| crate::sql_text::c_string(vfs, "VFS name"))
            .transpose()?;
        let runner = Runner::start(
            &queue,
            Box::new(move || {
                let conn = open_maybe_encrypted(&path, flags, vfs.as_deref(), encryption.as_ref())?;
                on_open.run(&conn)?;
                Ok(conn)
            }),
        )?;
        let gate = Gate {
            notifier: runner.notifier(),
            home: runner.home(),
            generation: crate::raw::process_generation(),
        };
        Ok(Worker {
            inner: Arc::new(Inner {
                queue,
                runner: Mutex::new(runner),
                gate,
            }),
        })
    }
}

impl Worker {
    /// A worker on the database file at `path` (created if missing).
    ///
    /// # Errors
    /// As [`WorkerBuilder::build`].
    pub fn open<P: AsRef<Path>>(path: P) -> Result<Worker> {
        Worker::builder(path).build()
    }

    /// A worker on a private in-memory database.
    ///
    /// # Errors
    /// As [`WorkerBuilder::build`].
    pub fn open_in_memory() -> Result<Worker> {
        Worker::builder(":memory:").build()
    }

    /// Starts configuring a worker for `path`.
    pub fn builder<P: AsRef<Path>>(path: P) -> WorkerBuilder {
        WorkerBuilder {
            path: path.as_ref().to_path_buf(),
            flags: OpenFlags::default(),
            capacity: 64,
            on_open: OnOpen::default(),
            encryption: None,
            vfs: None,
        }
    }

    /// Runs `f` on the worker's thread and returns its result, waiting for room in the queue
    /// and then for the call to finish. A panic in `f` is re-raised here.
    ///
    /// ```
    /// let worker = lite3::Worker::open_in_memory()?;
    /// let three: i64 = worker.call(|conn| conn.query_row("SELECT 1 + 2", (), |r| r.get(0)))?;
    /// assert_eq!(three, 3);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// What `f` returns; [`Error::TransactionLeftOpen`] if `f` returned with a transaction open
    /// (it was rolled back); [`Error::WorkerClosed`] if the worker shut down before running it;
    /// [`Error::WorkerReentry`] when called from the worker's own thread; [`Error::Forked`] in
    /// a child process.
    pub fn call<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.submit(f, Queue::push)
    }

    /// Like [`call`](Self::call), but fails at once with [`Error::WorkerQueueFull`] instead of
    /// waiting for room in the queue.
    ///
    /// ```
    /// let worker = lite3::Worker::open_in_memory()?;
    /// assert_eq!(worker.try_call(|_| Ok(7))?, 7);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::WorkerQueueFull`]; otherwise as [`call`](Self::call).
    pub fn try_call<T, F>(&self, f: F) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.submit(f, Queue::try_push)
    }

    /// Queues `f` with `push` (blocking or not), announces it and waits for its outcome.
    fn submit<T, F>(&self, f: F, push: fn(&Queue, queue::Job) -> Result<(), Refused>) -> Result<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        self.inner.gate.check()?;
        let reply = Reply::new();
        match push(&self.inner.queue, reply::job(f, &reply)) {
            Ok(()) => self.inner.gate.notifier.notify(&self.inner.queue),
            // Only `try_push` refuses for lack of room; `push` waits for it.
            Err(Refused::Full(_)) => {
                return Err(Error::WorkerQueueFull {
                    capacity: self.inner.queue.capacity(),
                });
            }
            Err(Refused::Closed) => return Err(Error::WorkerClosed),
        }
        reply.wait().into_result()
    }

    /// Runs `f` on the worker's thread; the returned future resolves to its result. It needs no
    /// particular async runtime. The call is queued when the future is first polled; a full
    /// queue makes the future wait (without blocking the executor) until there is room.
    ///
    /// Dropping the future before its first poll means the call never runs. Once polled, the
    /// call is queued and runs even if the future is dropped before it resolves (its result is
    /// then discarded): a closure that was handed to the worker is never silently half-skipped.
    ///
    /// ```
    /// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
    /// #     use std::task::{Context, Poll, Wake, Waker};
    /// #     struct Thread(std::thread::Thread);
    /// #     impl Wake for Thread { fn wake(self: std::sync::Arc<Self>) { self.0.unpark() } }
    /// #     let waker = Waker::from(std::sync::Arc::new(Thread(std::thread::current())));
    /// #     let mut f = std::pin::pin!(f);
    /// #     loop {
    /// #         if let Poll::Ready(v) = f.as_mut().poll(&mut Context::from_waker(&waker)) { return v; }
    /// #         std::thread::park();
    /// #     }
    /// # }
    /// let worker = lite3::Worker::open_in_memory()?;
    /// let answer = block_on(worker.call_async(|conn| conn.query_row("SELECT 42", (), |r| r.get::<_, i64>(0))))?;
    /// assert_eq!(answer, 42);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn call_async<T, F>(&self, f: F) -> CallFuture<T>
    where
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let reply = Reply::new();
        let job = reply::job(f, &reply);
        CallFuture {
            job: Some(job),
            queue: Arc::clone(&self.inner.queue),
            gate: self.inner.gate,
            reply,
        }
    }
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("capacity", &self.inner.queue.capacity())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for WorkerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerBuilder")
            .field("path", &self.path)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

/// The result of [`Worker::call_async`]. It does not keep the worker alive: if the last
/// `Worker` is dropped first, it resolves to [`Error::WorkerClosed`].
#[must_use = "the call is only queued when the future is polled"]
pub struct CallFuture<T> {
    job: Option<queue::Job>,
    queue: Arc<Queue>,
    gate: Gate,
    reply: Arc<Reply<T>>,
}

impl<T> Future for CallFuture<T> {
    type Output = Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = &mut *self;
        if let Some(job) = this.job.take() {
            if let Err(refused) = this.gate.check() {
                // Dropping the job answers its reply with `Closed`, which nobody reads now.
                drop(job);
                return Poll::Ready(Err(refused));
            }
            match this.queue.poll_push(job, cx) {
                Poll::Ready(Ok(())) => this.gate.notifier.notify(&this.queue),
                Poll::Ready(Err(Refused::Full(job))) => {
                    this.job = Some(job);
                    return Poll::Pending;
                }
                Poll::Ready(Err(Refused::Closed)) => return Poll::Ready(Err(Error::WorkerClosed)),
                Poll::Pending => return Poll::Pending,
            }
        }
        this.reply.poll(cx).map(Outcome::into_result)
    }
}

impl<T> std::fmt::Debug for CallFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallFuture")
            .field("queued", &self.job.is_none())
            .finish_non_exhaustive()
    }
}
