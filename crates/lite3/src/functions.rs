//! User-defined SQL functions.

use crate::raw::function;
use crate::sql_text::c_string;
use crate::types::ToSql;
use crate::{Connection, Result, ffi};
use std::ffi::{CString, c_int};

pub use crate::raw::function::Context;

bitflags::bitflags! {
    /// Properties of a user function, telling SQLite where it may be used and optimised.
    ///
    /// ```
    /// use lite3::FunctionFlags;
    ///
    /// let pure = FunctionFlags::DETERMINISTIC | FunctionFlags::INNOCUOUS;
    /// assert!(pure.contains(FunctionFlags::DETERMINISTIC));
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct FunctionFlags: i32 {
        /// Same inputs, same output: SQLite may factor calls out and use it in indexes.
        const DETERMINISTIC = ffi::SQLITE_DETERMINISTIC;
        /// No side effects and no information leaks: usable from schema code and triggers even
        /// with `trusted_schema` off.
        const INNOCUOUS = ffi::SQLITE_INNOCUOUS;
        /// Only callable from top-level SQL, never from views, triggers or schema.
        const DIRECT_ONLY = ffi::SQLITE_DIRECTONLY;
    }
}

impl Connection {
    /// Registers (or replaces) the scalar SQL function `name` taking `n_arg` arguments (-1 for
    /// any number).
    ///
    /// The closure must be `Send + 'static` because SQLite keeps it for as long as the function
    /// is registered and calls it on whichever thread uses the connection. An `Err` it returns
    /// becomes the statement's error; a panic stops the statement and then resumes in the
    /// caller, after SQLite has unwound. The replaced closure is freed only once SQLite has let
    /// go of it.
    ///
    /// ```
    /// use lite3::{Connection, FunctionFlags};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.create_scalar_function("shout", 1, FunctionFlags::DETERMINISTIC, |ctx| {
    ///     Ok(ctx.get::<&str>(0)?.to_uppercase())
    /// })?;
    /// let s: String = conn.query_row("SELECT shout('hi')", (), |row| row.get(0))?;
    /// assert_eq!(s, "HI");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// A closure that is not `Send` is refused at compile time:
    ///
    /// ```compile_fail,E0277
    /// let conn = lite3::Connection::open_in_memory().unwrap();
    /// let counter = std::rc::Rc::new(std::cell::Cell::new(0));
    /// conn.create_scalar_function("count", 0, Default::default(), move |_| {
    ///     counter.set(counter.get() + 1);
    ///     Ok(counter.get())
    /// });
    /// ```
    ///
    /// # Errors
    /// [`Error::Nul`](crate::Error::Nul) in the name; SQLite's error (e.g. `Busy` while a statement uses the
    /// function being replaced, or a bad name or argument count).
    pub fn create_scalar_function<F, T>(
        &self,
        name: &str,
        n_arg: i32,
        flags: FunctionFlags,
        f: F,
    ) -> Result<()>
    where
        F: Fn(&Context<'_>) -> Result<T> + Send + 'static,
        T: ToSql,
    {
        let name = function_name(name)?;
        self.callbacks.mark_changed();
        function::create_scalar(self.raw(), &name, n_arg as c_int, flags.bits(), f)
    }

    /// Removes the function `name` with `n_arg` arguments; SQLite frees its closure.
    ///
    /// ```
    /// use lite3::{Connection, FunctionFlags};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// conn.create_scalar_function("one", 0, FunctionFlags::empty(), |_| Ok(1))?;
    /// conn.remove_function("one", 0)?;
    /// assert!(conn.query_row("SELECT one()", (), |row| row.get::<_, i64>(0)).is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`create_scalar_function`](Self::create_scalar_function).
    pub fn remove_function(&self, name: &str, n_arg: i32) -> Result<()> {
        let name = function_name(name)?;
        self.callbacks.mark_changed();
        function::remove(self.raw(), &name, n_arg as c_int)
    }
}

fn function_name(name: &str) -> Result<CString> {
    c_string(name, "function name")
}
