//! SQLite's session extension, in rusqlite's shapes: record the changes made to tables
//! ([`Session`]), take them as a changeset or patchset ([`Changeset`]), invert, concatenate or
//! group them ([`Changegroup`]), iterate over them ([`ChangesetIter`]), and apply them to
//! another database with a conflict handler ([`Connection::apply`]). This is how an
//! application syncs databases across machines without shipping whole files.
//!
//! The callback rules hold: a panic in a table filter records the table (a changeset missing
//! changes would be worse) and resumes in the caller of the statement; a panic in an apply's
//! filter or conflict handler stops the apply, SQLite rolls back everything it applied, and
//! the panic resumes in the caller of `apply`. Neither callback may use its own connection
//! ([`Error::HookReentry`](crate::Error::HookReentry)).

use crate::hooks::Action;
use crate::raw::session::{
    self as raw, Item, RawChangegroup, RawChangeset, RawChangesetIter, RawSession, Source,
};
use crate::types::ValueRef;
use crate::{Connection, Name, Result, ffi};
use std::ffi::c_int;
use std::io::{Read, Write};

/// Records the changes made through one connection to the tables attached to it.
///
/// ```
/// use lite3::Connection;
/// use lite3::session::{ConflictAction, Session};
///
/// let source = Connection::open_in_memory()?;
/// let replica = Connection::open_in_memory()?;
/// for db in [&source, &replica] {
///     db.execute_batch("CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)")?;
/// }
/// let mut session = Session::new(&source)?;
/// session.attach(None::<&str>)?; // every table
/// source.execute("INSERT INTO item VALUES (1, 'tea')", ())?;
/// let changes = session.changeset()?;
/// drop(session);
///
/// replica.apply(&changes, None::<fn(&str) -> bool>, |_, _| ConflictAction::SQLITE_CHANGESET_ABORT)?;
/// assert_eq!(replica.query_row("SELECT name FROM item", (), |r| r.get::<_, String>(0))?, "tea");
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct Session<'conn> {
    conn: &'conn Connection,
    raw: Option<RawSession>,
}

impl<'conn> Session<'conn> {
    /// A session on `db`'s main database.
    ///
    /// # Errors
    /// SQLite's error, or a refusal of the door.
    pub fn new(db: &'conn Connection) -> Result<Self> {
        Self::new_with_name(db, crate::MAIN_DB)
    }

    /// A session on `db`'s database `name` (`main`, `temp` or an attached one).
    ///
    /// # Errors
    /// As [`new`](Self::new); [`Error::Nul`](crate::Error::Nul) in the name.
    pub fn new_with_name<N: Name>(db: &'conn Connection, name: N) -> Result<Self> {
        let name = name.as_cstr()?;
        if db.callbacks.is_set(crate::callbacks::Slot::PreUpdate) {
            return Err(crate::error::misuse(
                "the connection has a preupdate hook: SQLite's session extension needs that hook \
                 for itself; remove it (preupdate_hook(None)) before starting a session",
            ));
        }
        let raw = RawSession::new(db.raw(), &name)?;
        db.callbacks.mark_changed();
        Ok(Self {
            conn: db,
            raw: Some(raw),
        })
    }

    fn raw(&self) -> &RawSession {
        self.raw.as_ref().expect("a Session lives until dropped")
    }

    /// Decides which tables an `attach(None)` session records (`None`: all). Called once per
    /// table, when it is first changed.
    pub fn table_filter<F>(&mut self, filter: Option<F>)
    where
        F: Fn(&str) -> bool + Send + 'static,
    {
        let conn = self.conn.raw();
        self.raw
            .as_mut()
            .expect("a Session lives until dropped")
            .set_table_filter(conn, filter);
    }

    /// Records changes to `table` (`None`: every table, through the filter). Only tables with
    /// a primary key are recorded.
    ///
    /// # Errors
    /// SQLite's error; [`Error::Nul`](crate::Error::Nul) in the name.
    pub fn attach<N: Name>(&mut self, table: Option<N>) -> Result<()> {
        let table = table.as_ref().map(N::as_cstr).transpose()?;
        self.raw().attach(self.conn.raw(), table.as_deref())
    }

    /// The changes recorded so far, as a changeset (old and new values).
    ///
    /// # Errors
    /// SQLite's error (e.g. out of memory).
    pub fn changeset(&mut self) -> Result<Changeset> {
        self.raw()
            .changeset(self.conn.raw(), false)
            .map(|raw| Changeset { raw })
    }

    /// As [`changeset`](Self::changeset), written to `output` piece by piece.
    ///
    /// # Errors
    /// SQLite's error, or the writer's (as an I/O error naming it).
    pub fn changeset_strm(&mut self, output: &mut dyn Write) -> Result<()> {
        self.raw().changeset_strm(self.conn.raw(), output, false)
    }

    /// The changes recorded so far, as a patchset (smaller: no old values of updated columns,
    /// only the primary key of deleted rows).
    ///
    /// # Errors
    /// As [`changeset`](Self::changeset).
    pub fn patchset(&mut self) -> Result<Changeset> {
        self.raw()
            .changeset(self.conn.raw(), true)
            .map(|raw| Changeset { raw })
    }

    /// As [`patchset`](Self::patchset), written to `output`.
    ///
    /// # Errors
    /// As [`changeset_strm`](Self::changeset_strm).
    pub fn patchset_strm(&mut self, output: &mut dyn Write) -> Result<()> {
        self.raw().changeset_strm(self.conn.raw(), output, true)
    }

    /// Records the changes that would turn `table` in database `from` into this session's
    /// `table` (both must have the same primary key).
    ///
    /// # Errors
    /// SQLite's error with its message (no such table, different schemas).
    pub fn diff<F: Name, T: Name>(&mut self, from: F, table: T) -> Result<()> {
        let (from, table) = (from.as_cstr()?, table.as_cstr()?);
        self.raw().diff(self.conn.raw(), &from, &table)
    }

    /// Whether nothing has been recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.raw().is_empty()
    }

    /// Whether the session records changes now.
    #[must_use]
    pub fn is_enabled(&self) -> bool {
        self.raw().enable(-1)
    }

    /// Starts or stops recording.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.raw().enable(c_int::from(enabled));
    }

    /// Whether changes are recorded as indirect.
    #[must_use]
    pub fn is_indirect(&self) -> bool {
        self.raw().indirect(-1)
    }

    /// Marks the changes recorded from now on as indirect (or not).
    pub fn set_indirect(&mut self, indirect: bool) {
        self.raw().indirect(c_int::from(indirect));
    }
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        if let Some(raw) = self.raw.take() {
            raw.delete(self.conn.raw());
        }
    }
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("empty", &self.is_empty())
            .finish()
    }
}

/// A changeset or patchset in memory.
pub struct Changeset {
    raw: RawChangeset,
}

impl Changeset {
    /// The inverse: applying it undoes this one.
    ///
    /// # Errors
    /// `Corrupt` for bytes that are not a changeset; `NoMem`.
    pub fn invert(&self) -> Result<Changeset> {
        self.raw.invert().map(|raw| Changeset { raw })
    }

    /// `a` followed by `b`, as one changeset.
    ///
    /// # Errors
    /// As [`invert`](Self::invert); `Error` when one is a patchset and the other is not.
    pub fn concat(a: &Changeset, b: &Changeset) -> Result<Changeset> {
        RawChangeset::concat(&a.raw, &b.raw).map(|raw| Changeset { raw })
    }

    /// Iterates over the changes.
    ///
    /// # Errors
    /// As [`invert`](Self::invert).
    pub fn iter(&self) -> Result<ChangesetIter<'_>> {
        Ok(ChangesetIter {
            raw: self.raw.iter()?,
            current: false,
        })
    }

    /// The changeset's bytes, to store or send (lite3's addition).
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        self.raw.as_bytes()
    }

    /// A changeset from bytes made by [`as_bytes`](Self::as_bytes) or a stream (lite3's
    /// addition). They are checked when used: bytes that are not a changeset fail there with
    /// `Corrupt`, and nothing is applied.
    ///
    /// # Errors
    /// [`Error::TooBig`](crate::Error::TooBig) beyond 2 GiB; `NoMem`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Changeset> {
        RawChangeset::from_bytes(bytes).map(|raw| Changeset { raw })
    }
}

impl std::fmt::Debug for Changeset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changeset")
            .field("len", &self.as_bytes().len())
            .finish()
    }
}

/// Inverts the changeset read from `input` into `output`.
///
/// # Errors
/// As [`Changeset::invert`], or the stream's I/O error.
pub fn invert_strm(input: &mut dyn Read, output: &mut dyn Write) -> Result<()> {
    raw::invert_strm(input, output)
}

/// Concatenates the changesets read from `input_a` and `input_b` into `output`.
///
/// # Errors
/// As [`Changeset::concat`], or a stream's I/O error.
pub fn concat_strm(
    input_a: &mut dyn Read,
    input_b: &mut dyn Read,
    output: &mut dyn Write,
) -> Result<()> {
    raw::concat_strm(input_a, input_b, output)
}

/// Iterates over a changeset's changes: `while let Some(item) = iter.next()? { … }` (the
/// shape of rusqlite's `FallibleStreamingIterator`).
pub struct ChangesetIter<'changeset> {
    raw: RawChangesetIter<'changeset>,
    current: bool,
}

impl<'changeset> ChangesetIter<'changeset> {
    /// Iterates over the changeset `input` yields.
    ///
    /// # Errors
    /// The stream's I/O error, or `Corrupt`.
    pub fn start_strm<'input>(input: &'input mut dyn Read) -> Result<ChangesetIter<'input>> {
        Ok(ChangesetIter {
            raw: RawChangesetIter::start_strm(input)?,
            current: false,
        })
    }

    /// Moves to the next change and returns it (`None` at the end).
    ///
    /// # Errors
    /// `Corrupt` for a damaged changeset, or the stream's I/O error.
    #[allow(
        clippy::should_implement_trait,
        reason = "rusqlite's name; a fallible streaming iterator"
    )]
    pub fn next(&mut self) -> Result<Option<ChangesetItem<'_>>> {
        self.current = self.raw.next()?;
        Ok(self.current.then(|| ChangesetItem {
            item: self.raw.item(),
        }))
    }
}

impl std::fmt::Debug for ChangesetIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangesetIter").finish_non_exhaustive()
    }
}

/// What a change is: its table, column count, operation and whether it was indirect.
#[derive(Debug)]
pub struct Operation<'item> {
    table_name: &'item str,
    number_of_columns: i32,
    code: Action,
    indirect: bool,
}

impl Operation<'_> {
    /// The table changed.
    #[must_use]
    pub fn table_name(&self) -> &str {
        self.table_name
    }

    /// The table's number of columns.
    #[must_use]
    pub fn number_of_columns(&self) -> i32 {
        self.number_of_columns
    }

    /// Insert, update or delete.
    #[must_use]
    pub fn code(&self) -> Action {
        self.code
    }

    /// Whether the change was recorded as indirect.
    #[must_use]
    pub fn indirect(&self) -> bool {
        self.indirect
    }
}

/// One change of a changeset, while its iterator (or conflict handler) stands on it.
pub struct ChangesetItem<'it> {
    item: Item<'it>,
}

impl<'it> ChangesetItem<'it> {
    /// The conflicting row's value of column `col` (only in a conflict handler, for DATA and
    /// CONFLICT conflicts).
    ///
    /// # Errors
    /// `Misuse` outside a conflict handler; `Range` for a column out of range.
    pub fn conflict(&self, col: usize) -> Result<ValueRef<'it>> {
        self.item.conflict(col)
    }

    /// The number of foreign key violations (only in a FOREIGN_KEY conflict handler).
    ///
    /// # Errors
    /// `Misuse` elsewhere.
    pub fn fk_conflicts(&self) -> Result<i32> {
        self.item.fk_conflicts()
    }

    /// The new value of column `col` (inserts and updates). An update's unchanged column has
    /// no new value and reads as `Null`.
    ///
    /// # Errors
    /// `Misuse` for a delete; `Range` for a column out of range.
    pub fn new_value(&self, col: usize) -> Result<ValueRef<'it>> {
        self.item.new_value(col)
    }

    /// The old value of column `col` (updates and deletes). In an update, only primary key
    /// and changed columns have one; others read as `Null`.
    ///
    /// # Errors
    /// `Misuse` for an insert; `Range` for a column out of range.
    pub fn old_value(&self, col: usize) -> Result<ValueRef<'it>> {
        self.item.old(col)
    }

    /// The change's table, column count, operation and indirect flag.
    ///
    /// # Errors
    /// SQLite's error for a damaged changeset.
    pub fn op(&self) -> Result<Operation<'it>> {
        let op = self.item.op()?;
        Ok(Operation {
            table_name: op.table,
            number_of_columns: op.columns,
            code: Action::from(op.code),
            indirect: op.indirect,
        })
    }

    /// One byte per column of the table: 1 for the primary key's columns.
    ///
    /// # Errors
    /// SQLite's error for a damaged changeset.
    pub fn pk(&self) -> Result<&'it [u8]> {
        self.item.pk()
    }
}

impl std::fmt::Debug for ChangesetItem<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangesetItem")
            .field("op", &self.op().ok())
            .finish()
    }
}

/// Combines changesets into one (later changes to a row fold into earlier ones).
pub struct Changegroup {
    raw: RawChangegroup,
}

impl Changegroup {
    /// An empty group.
    ///
    /// # Errors
    /// `NoMem`.
    pub fn new() -> Result<Self> {
        RawChangegroup::new().map(|raw| Self { raw })
    }

    /// Adds a changeset.
    ///
    /// # Errors
    /// `Corrupt`; `Schema` for a table whose column count differs from an earlier one's.
    pub fn add(&mut self, cs: &Changeset) -> Result<()> {
        self.raw.add(&cs.raw)
    }

    /// Adds the changeset `input` yields.
    ///
    /// # Errors
    /// As [`add`](Self::add), or the stream's I/O error.
    pub fn add_stream(&mut self, input: &mut dyn Read) -> Result<()> {
        self.raw.add_stream(input)
    }

    /// The combined changeset.
    ///
    /// # Errors
    /// `NoMem`.
    pub fn output(&mut self) -> Result<Changeset> {
        self.raw.output().map(|raw| Changeset { raw })
    }

    /// The combined changeset, written to `output`.
    ///
    /// # Errors
    /// `NoMem`, or the writer's I/O error.
    pub fn output_strm(&mut self, output: &mut dyn Write) -> Result<()> {
        self.raw.output_strm(output)
    }
}

impl std::fmt::Debug for Changegroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changegroup").finish_non_exhaustive()
    }
}

/// The kind of conflict a conflict handler is asked about.
#[allow(missing_docs, reason = "SQLite's names; see its documentation of each")]
#[allow(non_camel_case_types, reason = "rusqlite's variant names")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConflictType {
    UNKNOWN = -1,
    SQLITE_CHANGESET_DATA = ffi::SQLITE_CHANGESET_DATA as isize,
    SQLITE_CHANGESET_NOTFOUND = ffi::SQLITE_CHANGESET_NOTFOUND as isize,
    SQLITE_CHANGESET_CONFLICT = ffi::SQLITE_CHANGESET_CONFLICT as isize,
    SQLITE_CHANGESET_CONSTRAINT = ffi::SQLITE_CHANGESET_CONSTRAINT as isize,
    SQLITE_CHANGESET_FOREIGN_KEY = ffi::SQLITE_CHANGESET_FOREIGN_KEY as isize,
}

impl From<i32> for ConflictType {
    fn from(code: i32) -> Self {
        match code {
            ffi::SQLITE_CHANGESET_DATA => Self::SQLITE_CHANGESET_DATA,
            ffi::SQLITE_CHANGESET_NOTFOUND => Self::SQLITE_CHANGESET_NOTFOUND,
            ffi::SQLITE_CHANGESET_CONFLICT => Self::SQLITE_CHANGESET_CONFLICT,
            ffi::SQLITE_CHANGESET_CONSTRAINT => Self::SQLITE_CHANGESET_CONSTRAINT,
            ffi::SQLITE_CHANGESET_FOREIGN_KEY => Self::SQLITE_CHANGESET_FOREIGN_KEY,
            _ => Self::UNKNOWN,
        }
    }
}

/// What a conflict handler decides.
#[allow(non_camel_case_types, reason = "rusqlite's variant names")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConflictAction {
    /// Skip this change.
    SQLITE_CHANGESET_OMIT = ffi::SQLITE_CHANGESET_OMIT as isize,
    /// Apply it over the conflicting row (DATA and CONFLICT conflicts only).
    SQLITE_CHANGESET_REPLACE = ffi::SQLITE_CHANGESET_REPLACE as isize,
    /// Stop: the apply fails and everything it applied is rolled back.
    SQLITE_CHANGESET_ABORT = ffi::SQLITE_CHANGESET_ABORT as isize,
}

impl Connection {
    /// Applies `cs` to this connection's main database in one savepoint: `filter` picks the
    /// tables (`None`: all), `conflict` decides each conflict. If the handler aborts or
    /// panics, or a change cannot be applied, nothing of `cs` remains applied.
    ///
    /// # Errors
    /// `Abort` when the handler aborted, `Corrupt` for a damaged changeset, SQLite's error
    /// otherwise; a panic in a callback resumes here.
    pub fn apply<F, C>(&self, cs: &Changeset, filter: Option<F>, conflict: C) -> Result<()>
    where
        F: Fn(&str) -> bool + Send + 'static,
        C: Fn(ConflictType, &ChangesetItem<'_>) -> ConflictAction + Send + 'static,
    {
        self.all_or_nothing(|| {
            raw::apply(
                self.raw(),
                Source::Buffer(&cs.raw),
                filter,
                decide(conflict),
            )
        })
    }

    /// As [`apply`](Self::apply), for the changeset `input` yields.
    ///
    /// # Errors
    /// As [`apply`](Self::apply), or the stream's I/O error.
    pub fn apply_strm<F, C>(
        &self,
        input: &mut dyn Read,
        filter: Option<F>,
        conflict: C,
    ) -> Result<()>
    where
        F: Fn(&str) -> bool + Send + 'static,
        C: Fn(ConflictType, &ChangesetItem<'_>) -> ConflictAction + Send + 'static,
    {
        self.all_or_nothing(|| {
            raw::apply(self.raw(), Source::Stream(input), filter, decide(conflict))
        })
    }

    /// Runs an apply inside a savepoint of its own: SQLite undoes an apply that fails, but not
    /// one whose filter panicked (the table is skipped and the rest applied), so a panic rolls
    /// back to the savepoint before it resumes.
    fn all_or_nothing(&self, apply: impl FnOnce() -> Result<()>) -> Result<()> {
        const NAME: &str = "lite3_changeset_apply";
        self.run_control(&format!("SAVEPOINT {NAME}"))?;
        let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(apply));
        if !matches!(applied, Ok(Ok(()))) {
            // Best effort: if even this fails the connection is broken, and the apply's own
            // error (or panic) says more than a rollback failure would.
            let _ = self.run_control(&format!("ROLLBACK TO {NAME}"));
        }
        let released = self.run_control(&format!("RELEASE {NAME}"));
        match applied {
            Ok(result) => result.and(released),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

/// The conflict handler in the raw layer's terms.
fn decide<C>(conflict: C) -> impl Fn(c_int, Item<'_>) -> c_int
where
    C: Fn(ConflictType, &ChangesetItem<'_>) -> ConflictAction,
{
    move |kind, item| conflict(ConflictType::from(kind), &ChangesetItem { item }) as c_int
}
