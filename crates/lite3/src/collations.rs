//! User collations, in rusqlite's shapes: `create_collation`, `remove_collation`,
//! `collation_needed`.

use crate::raw::RawStatement;
use crate::raw::collation::{self, Wanted};
use crate::{Connection, Error, Name, Result};
use std::cmp::Ordering;
use std::ffi::c_uint;

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

    /// Registers `x_coll_needed` to create collations on demand: when a statement names a
    /// collation the connection does not have, it is called with the connection and the name,
    /// and may [`create_collation`](Self::create_collation) it; the statement is then prepared
    /// again. A second call replaces the function.
    ///
    /// SQLite asks for the collation in the middle of preparing; lite3 records the name there
    /// and calls your function only after that prepare has returned, so the connection is
    /// fully usable inside it (rusqlite hands you a borrowed handle mid-prepare instead). An
    /// `Err` it returns is the prepare's error; if it creates nothing, the prepare fails with
    /// SQLite's "no such collation sequence".
    ///
    /// ```
    /// use lite3::{Connection, Result};
    ///
    /// fn make_collation(conn: &Connection, name: &str) -> Result<()> {
    ///     if name.eq_ignore_ascii_case("reverse") {
    ///         conn.create_collation(name, |a: &str, b: &str| b.cmp(a))?;
    ///     }
    ///     Ok(())
    /// }
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.collation_needed(make_collation)?;
    /// let first: String = conn.query_row(
    ///     "SELECT column1 FROM (VALUES ('a'), ('b')) ORDER BY column1 COLLATE reverse",
    ///     (),
    ///     |r| r.get(0),
    /// )?;
    /// assert_eq!(first, "b");
    /// assert!(conn.prepare("SELECT 1 ORDER BY 1 COLLATE unknown").is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// A refusal of the door into C.
    pub fn collation_needed(&self, x_coll_needed: fn(&Self, &str) -> Result<()>) -> Result<()> {
        let wanted = Box::<Wanted>::default();
        collation::set_collation_needed(self.raw(), Some(&wanted))?;
        self.callbacks.mark_changed();
        // SQLite now holds the new box's pointer: the old one may go.
        let old = self
            .callbacks
            .collation_needed
            .replace(Some((x_coll_needed, wanted)));
        drop(old);
        Ok(())
    }

    /// Prepares the first statement of `sql`, as [`RawStatement::prepare`]; when that fails
    /// because SQLite asked for collations this connection lacks and a
    /// [`collation_needed`](Self::collation_needed) function is set, it creates them and
    /// prepares again.
    #[inline]
    pub(crate) fn prepare_first(
        &self,
        sql: &str,
        flags: c_uint,
    ) -> Result<(Option<RawStatement>, usize)> {
        match RawStatement::prepare(self.raw(), sql, flags) {
            Err(error) if self.callbacks.collation_needed.borrow().is_some() => {
                self.prepare_with_needed_collations(sql, flags, error)
            }
            prepared => prepared,
        }
    }

    #[cold]
    #[inline(never)]
    fn prepare_with_needed_collations(
        &self,
        sql: &str,
        flags: c_uint,
        mut error: Error,
    ) -> Result<(Option<RawStatement>, usize)> {
        let mut tried: Vec<String> = Vec::new();
        loop {
            let (make, names) = {
                let registered = self.callbacks.collation_needed.borrow();
                let Some((make, wanted)) = registered.as_ref() else {
                    return Err(error);
                };
                (*make, wanted.take())
            };
            let fresh: Vec<String> = names.into_iter().filter(|n| !tried.contains(n)).collect();
            if fresh.is_empty() {
                return Err(error);
            }
            for name in fresh {
                make(self, &name)?;
                tried.push(name);
            }
            match RawStatement::prepare(self.raw(), sql, flags) {
                Err(again) => error = again,
                prepared => return prepared,
            }
        }
    }
}
