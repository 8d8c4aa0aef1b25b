//! The bounded job queue between a Worker's handles and the thread that runs its calls. A full
//! queue blocks `call`, fails `try_call`, and parks `call_async` futures until there is room.

use crate::Connection;
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::task::{Context, Poll, Waker};

/// One call: run with the connection, or with `None` when the worker shut down first.
pub(crate) type Job = Box<dyn FnOnce(Option<&mut Connection>) + Send>;

/// The most job slots allocated before they are needed.
const PREALLOCATED_JOBS: usize = 256;

pub(crate) struct Queue {
    state: Mutex<State>,
    not_empty: Condvar,
    not_full: Condvar,
    capacity: usize,
}

struct State {
    jobs: VecDeque<Job>,
    closed: bool,
    /// Async callers waiting for room.
    room_wakers: Vec<Waker>,
}

/// Why a job was not queued. A full queue hands the job back for a later try; a closed one
/// drops it, which tells its caller the worker is gone.
pub(crate) enum Refused {
    Full(Job),
    Closed,
}

impl Queue {
    pub(crate) fn new(capacity: usize) -> Self {
        let state = State {
            // The capacity is a limit; a huge one must not be allocated up front.
            jobs: VecDeque::with_capacity(capacity.min(PREALLOCATED_JOBS)),
            closed: false,
            room_wakers: Vec::new(),
        };
        Self {
            state: Mutex::new(state),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Queues `job`, waiting while the queue is full.
    pub(crate) fn push(&self, job: Job) -> Result<(), Refused> {
        let mut state = self.state.lock();
        while !state.closed && state.jobs.len() >= self.capacity {
            self.not_full.wait(&mut state);
        }
        self.enqueue(state, job)
    }

    /// Queues `job` only if there is room now.
    pub(crate) fn try_push(&self, job: Job) -> Result<(), Refused> {
        let state = self.state.lock();
        if !state.closed && state.jobs.len() >= self.capacity {
            return Err(Refused::Full(job));
        }
        self.enqueue(state, job)
    }

    /// Queues `job` if there is room; otherwise registers the task to be woken when there is.
    pub(crate) fn poll_push(&self, job: Job, cx: &Context<'_>) -> Poll<Result<(), Refused>> {
        let mut state = self.state.lock();
        if !state.closed && state.jobs.len() >= self.capacity {
            state.room_wakers.push(cx.waker().clone());
            return Poll::Ready(Err(Refused::Full(job)));
        }
        Poll::Ready(self.enqueue(state, job))
    }

    fn enqueue(
        &self,
        mut state: parking_lot::MutexGuard<'_, State>,
        job: Job,
    ) -> Result<(), Refused> {
        if state.closed {
            return Err(Refused::Closed);
        }
        state.jobs.push_back(job);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// The next job, waiting for one; `None` once the queue is closed. Spins briefly before
    /// parking, since callers often send the next call right after the last one returned.
    pub(crate) fn pop(&self) -> Option<Job> {
        for _ in 0..super::reply::SPINS {
            if let Some(state) = self.state.try_lock()
                && (state.closed || !state.jobs.is_empty())
            {
                break;
            }
            std::hint::spin_loop();
        }
        let mut state = self.state.lock();
        loop {
            if state.closed {
                return None;
            }
            if let Some(job) = state.jobs.pop_front() {
                self.made_room(state);
                return Some(job);
            }
            self.not_empty.wait(&mut state);
        }
    }

    /// The next job if one is queued and the queue is open.
    pub(crate) fn try_pop(&self) -> Option<Job> {
        let mut state = self.state.lock();
        if state.closed {
            return None;
        }
        let job = state.jobs.pop_front()?;
        self.made_room(state);
        Some(job)
    }

    fn made_room(&self, mut state: parking_lot::MutexGuard<'_, State>) {
        let wakers = std::mem::take(&mut state.room_wakers);
        drop(state);
        self.not_full.notify_one();
        wakers.into_iter().for_each(Waker::wake);
    }

    /// Closes the queue and returns the jobs that will never run.
    pub(crate) fn close(&self) -> Vec<Job> {
        let mut state = self.state.lock();
        state.closed = true;
        let jobs = state.jobs.drain(..).collect();
        let wakers = std::mem::take(&mut state.room_wakers);
        drop(state);
        self.not_empty.notify_all();
        self.not_full.notify_all();
        wakers.into_iter().for_each(Waker::wake);
        jobs
    }
}
