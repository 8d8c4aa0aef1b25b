//! [`OnOpen`]: the setup a [`Pool`](crate::Pool) or [`Worker`](crate::Worker) runs on every
//! connection it opens (pragmas, functions), shared by both builders.

use crate::{Connection, Result};
use std::sync::Arc;

type Setup = dyn Fn(&Connection) -> Result<()> + Send + Sync;

/// The user's `on_open` closure, if any; cheap to clone into every place that opens.
#[derive(Clone, Default)]
pub(crate) struct OnOpen(Option<Arc<Setup>>);

impl OnOpen {
    pub(crate) fn new<F>(f: F) -> Self
    where
        F: Fn(&Connection) -> Result<()> + Send + Sync + 'static,
    {
        Self(Some(Arc::new(f)))
    }

    /// Runs the setup on `conn`: its error is the caller's; a panic unwinds to the caller, who
    /// decides where it resumes (the caller of `build()`, `read()` or `write()`).
    pub(crate) fn run(&self, conn: &Connection) -> Result<()> {
        match &self.0 {
            Some(setup) => setup(conn),
            None => Ok(()),
        }
    }
}
