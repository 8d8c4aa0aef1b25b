//! User collations, in rusqlite's shapes: `create_collation`, `remove_collation`.

use crate::raw::collation;
use crate::{Connection, Name, Result};
use std::cmp::Ordering;

impl Connection {
    /// Registers (or replaces) the collation `name`, ordering text with `compare`, for
    /// `ORDER BY … COLLATE name`, indexes and column definitions. It must be a total order
    /// (consistent, or indexes built with it go wrong). A panic in `compare` stops the
    /// statement (it fails with `ErrorCode::Interrupt`) and then resumes in the caller.
    /// Replacing or removing a collation while a statement uses it fails with `Busy`.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// // Natural order for version strings: "v2" before "v10".
    /// conn.create_collation("version", |a: &str, b: &str| {
    ///     let key = |s: &str| (s.len(), s.to_owned());
    ///     key(a).cmp(&key(b))
    /// })?;
    /// let sorted: Vec<String> = conn
    ///     .prepare("SELECT column1 FROM (VALUES ('v10'), ('v2'), ('v1')) ORDER BY column1 COLLATE version")?
    ///     .query_map((), |r| r.get(0))?
    ///     .collect::<lite3::Result<_>>()?;
    /// assert_eq!(sorted, ["v1", "v2", "v10"]);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`](crate::Error::Nul) in the name; SQLite's error (`Busy` while a
    /// statement uses the collation being replaced).
    pub fn create_collation<C, N: Name>(&self, name: N, compare: C) -> Result<()>
    where
        C: Fn(&str, &str) -> Ordering + Send + 'static,
    {
        let name = name.as_cstr()?;
        self.callbacks.mark_changed();
        collation::create(self.raw(), &name, compare)
    }

    /// Removes the collation `name`; SQLite then frees its closure.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.create_collation("rev", |a: &str, b: &str| b.cmp(a))?;
    /// conn.remove_collation("rev")?;
    /// assert!(conn.prepare("SELECT 1 ORDER BY 'x' COLLATE rev").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`create_collation`](Self::create_collation).
    pub fn remove_collation<N: Name>(&self, name: N) -> Result<()> {
        let name = name.as_cstr()?;
        self.callbacks.mark_changed();
        collation::remove(self.raw(), &name)
    }
}
