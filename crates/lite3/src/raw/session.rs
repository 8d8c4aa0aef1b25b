//! SQLite's session extension (see `crate::session`): the session object, changeset buffers,
//! their iterators, changegroups, applying a changeset, and the stream trampolines. Calls that
//! touch a connection go through its door; the ones that only transform a buffer do not, but
//! still resume a panic their stream callback parked.

use super::RawConnection;
use super::callback::BoxedCallback;
use super::door::hook_scope::HookScope;
use super::panic::{catch, resume_parked_panic_unless_unwinding};
use crate::types::ValueRef;
use crate::{Error, Result, ffi};
use std::ffi::{CStr, c_char, c_int, c_void};
use std::io::{Read, Write};
use std::ptr::{self, NonNull};

/// The error for `rc` from a session call that has no connection to read a message from,
/// with the stream's own error when a stream callback failed.
fn failure(rc: c_int, stream: Option<std::io::Error>) -> Error {
    let mut error = super::error::from_code(rc);
    if let Some(io) = stream {
        error.message = format!("the changeset stream failed: {io}");
    }
    Error::Sqlite(error)
}

/// Turns a buffer-only call's `rc` into a result, resuming a panic a stream callback parked.
fn finish(rc: c_int, stream: Option<std::io::Error>) -> Result<()> {
    resume_parked_panic_unless_unwinding();
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(failure(rc, stream))
    }
}

/// A reader SQLite pulls a changeset from (`xInput`), keeping the first I/O error.
pub(crate) struct Input<'a> {
    read: &'a mut dyn Read,
    error: Option<std::io::Error>,
}

impl<'a> Input<'a> {
    pub(crate) fn new(read: &'a mut dyn Read) -> Self {
        Self { read, error: None }
    }

    fn ctx(&mut self) -> *mut c_void {
        ptr::from_mut(self).cast()
    }
}

type XInput = unsafe extern "C" fn(*mut c_void, *mut c_void, *mut c_int) -> c_int;
type XOutput = unsafe extern "C" fn(*mut c_void, *const c_void, c_int) -> c_int;

unsafe extern "C" fn x_input(ctx: *mut c_void, data: *mut c_void, len: *mut c_int) -> c_int {
    // SAFETY: `ctx` is the `Input` passed with this trampoline, alive for the call; SQLite
    // gives a writable buffer of `*len` bytes and reads back how many were filled.
    let (input, buf) = unsafe {
        let wanted = usize::try_from(*len).unwrap_or(0);
        (
            &mut *ctx.cast::<Input<'_>>(),
            std::slice::from_raw_parts_mut(data.cast::<u8>(), wanted),
        )
    };
    let read = catch(|| {
        loop {
            match input.read.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        }
    });
    match read {
        Some(Ok(n)) => {
            // SAFETY: as above; `n <= buf.len()`, which came from a c_int.
            unsafe { *len = n as c_int };
            ffi::SQLITE_OK
        }
        Some(Err(e)) => {
            input.error.get_or_insert(e);
            ffi::SQLITE_IOERR_READ
        }
        None => ffi::SQLITE_IOERR_READ,
    }
}

/// A writer SQLite pushes a changeset to (`xOutput`), keeping the first I/O error.
pub(crate) struct Output<'a> {
    write: &'a mut dyn Write,
    error: Option<std::io::Error>,
}

impl<'a> Output<'a> {
    pub(crate) fn new(write: &'a mut dyn Write) -> Self {
        Self { write, error: None }
    }

    fn ctx(&mut self) -> *mut c_void {
        ptr::from_mut(self).cast()
    }
}

unsafe extern "C" fn x_output(ctx: *mut c_void, data: *const c_void, len: c_int) -> c_int {
    // SAFETY: `ctx` is the `Output` passed with this trampoline, alive for the call; SQLite
    // gives `len` readable bytes.
    let (output, bytes) = unsafe {
        (
            &mut *ctx.cast::<Output<'_>>(),
            std::slice::from_raw_parts(data.cast::<u8>(), usize::try_from(len).unwrap_or(0)),
        )
    };
    match catch(|| output.write.write_all(bytes)) {
        Some(Ok(())) => ffi::SQLITE_OK,
        Some(Err(e)) => {
            output.error.get_or_insert(e);
            ffi::SQLITE_IOERR_WRITE
        }
        None => ffi::SQLITE_IOERR_WRITE,
    }
}

/// A changeset or patchset in SQLite's memory (`sqlite3_malloc`), owned.
pub(crate) struct RawChangeset {
    data: *mut c_void,
    len: c_int,
}

// SAFETY: an exclusively owned heap block. In single-threaded builds SQLite's allocator has no
// mutex, so the buffer must stay on the thread that owns SQLite: no Send there.
#[cfg(not(feature = "single-thread"))]
unsafe impl Send for RawChangeset {}

impl RawChangeset {
    /// Takes a buffer SQLite allocated (null for an empty changeset).
    fn from_raw(data: *mut c_void, len: c_int) -> Self {
        Self { data, len }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes owned by `self` (or none).
        unsafe { super::value::bytes(self.data.cast(), self.len) }
    }

    /// A copy of `bytes` in SQLite's memory.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let len = c_int::try_from(bytes.len()).map_err(|_| Error::TooBig {
            what: "changeset",
            len: bytes.len(),
            limit: c_int::MAX as usize,
        })?;
        super::setup::initialise();
        // SAFETY: a plain allocation (one byte at least: malloc64(0) is null).
        let data = unsafe { ffi::sqlite3_malloc64(bytes.len().max(1) as u64) };
        if data.is_null() {
            return Err(super::error::from_code(ffi::SQLITE_NOMEM).into());
        }
        // SAFETY: `data` holds at least `len` bytes.
        unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), data.cast::<u8>(), bytes.len()) };
        Ok(Self { data, len })
    }

    pub(crate) fn invert(&self) -> Result<Self> {
        let (mut len, mut data) = (0, ptr::null_mut());
        // SAFETY: `self` is a changeset buffer of `len` bytes; the outputs are writable.
        let rc = unsafe { ffi::sqlite3changeset_invert(self.len, self.data, &mut len, &mut data) };
        finish(rc, None).map(|()| Self::from_raw(data, len))
    }

    pub(crate) fn concat(a: &Self, b: &Self) -> Result<Self> {
        let (mut len, mut data) = (0, ptr::null_mut());
        // SAFETY: both are changeset buffers; the outputs are writable.
        let rc = unsafe {
            ffi::sqlite3changeset_concat(a.len, a.data, b.len, b.data, &mut len, &mut data)
        };
        finish(rc, None).map(|()| Self::from_raw(data, len))
    }

    pub(crate) fn iter(&self) -> Result<RawChangesetIter<'_>> {
        let mut it = ptr::null_mut();
        // SAFETY: a changeset buffer of `len` bytes that outlives the iterator (the public
        // iterator borrows the changeset).
        let rc = unsafe { ffi::sqlite3changeset_start(&mut it, self.len, self.data) };
        finish(rc, None)?;
        Ok(RawChangesetIter { it, input: None })
    }
}

impl Drop for RawChangeset {
    fn drop(&mut self) {
        // SAFETY: allocated by SQLite (or null), freed once.
        unsafe { ffi::sqlite3_free(self.data) };
    }
}

/// `sqlite3changeset_invert_strm`.
pub(crate) fn invert_strm(input: &mut dyn Read, output: &mut dyn Write) -> Result<()> {
    let (mut input, mut output) = (Input::new(input), Output::new(output));
    // SAFETY: the trampolines get their own contexts, alive for the call.
    let rc = unsafe {
        ffi::sqlite3changeset_invert_strm(
            Some(x_input as XInput),
            input.ctx(),
            Some(x_output as XOutput),
            output.ctx(),
        )
    };
    finish(rc, input.error.or(output.error))
}

/// `sqlite3changeset_concat_strm`.
pub(crate) fn concat_strm(
    a: &mut dyn Read,
    b: &mut dyn Read,
    output: &mut dyn Write,
) -> Result<()> {
    let (mut a, mut b, mut output) = (Input::new(a), Input::new(b), Output::new(output));
    // SAFETY: as for `invert_strm`.
    let rc = unsafe {
        ffi::sqlite3changeset_concat_strm(
            Some(x_input as XInput),
            a.ctx(),
            Some(x_input as XInput),
            b.ctx(),
            Some(x_output as XOutput),
            output.ctx(),
        )
    };
    finish(rc, a.error.or(b.error).or(output.error))
}

/// An iterator over a changeset (a buffer or a stream); `input` keeps a stream's reader alive
/// as long as the iterator.
pub(crate) struct RawChangesetIter<'a> {
    it: *mut ffi::sqlite3_changeset_iter,
    input: Option<Box<Input<'a>>>,
}

impl<'a> RawChangesetIter<'a> {
    /// Iterates over the changeset `read` yields, keeping it borrowed as long as the iterator.
    pub(crate) fn start_strm(read: &'a mut dyn Read) -> Result<Self> {
        let mut input = Box::new(Input::new(read));
        let mut it = ptr::null_mut();
        // SAFETY: the boxed context stays at one address for the iterator's life.
        let rc = unsafe {
            ffi::sqlite3changeset_start_strm(&mut it, Some(x_input as XInput), input.ctx())
        };
        finish(rc, input.error.take())?;
        Ok(Self {
            it,
            input: Some(input),
        })
    }

    /// Moves to the next change: whether there is one.
    pub(crate) fn next(&mut self) -> Result<bool> {
        // SAFETY: the iterator is live.
        let rc = unsafe { ffi::sqlite3changeset_next(self.it) };
        resume_parked_panic_unless_unwinding();
        match rc {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            rc => Err(failure(
                rc,
                self.input.as_mut().and_then(|input| input.error.take()),
            )),
        }
    }

    /// The current change.
    pub(crate) fn item(&self) -> Item<'_> {
        Item {
            it: self.it,
            _iter: std::marker::PhantomData,
        }
    }
}

impl Drop for RawChangesetIter<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized once; its result repeats an error `next` reported.
        unsafe { ffi::sqlite3changeset_finalize(self.it) };
    }
}

/// The change an iterator (or a conflict handler's iterator) stands on, valid while borrowed.
#[derive(Clone, Copy)]
pub(crate) struct Item<'a> {
    it: *mut ffi::sqlite3_changeset_iter,
    _iter: std::marker::PhantomData<&'a ()>,
}

/// What `sqlite3changeset_op` reports.
pub(crate) struct Op<'a> {
    pub(crate) table: &'a str,
    pub(crate) columns: c_int,
    pub(crate) code: c_int,
    pub(crate) indirect: bool,
}

type ValueGetter = unsafe extern "C" fn(
    *mut ffi::sqlite3_changeset_iter,
    c_int,
    *mut *mut ffi::sqlite3_value,
) -> c_int;

impl<'a> Item<'a> {
    pub(crate) fn op(&self) -> Result<Op<'a>> {
        let (mut table, mut columns, mut code, mut indirect) = (ptr::null(), 0, 0, 0);
        // SAFETY: the iterator stands on a change (the borrow proves it is live).
        let rc = unsafe {
            ffi::sqlite3changeset_op(self.it, &mut table, &mut columns, &mut code, &mut indirect)
        };
        finish(rc, None)?;
        // SAFETY: the table name is NUL-terminated and lives as long as the change.
        let table = unsafe { super::optional_str(table) }.unwrap_or("");
        Ok(Op {
            table,
            columns,
            code,
            indirect: indirect != 0,
        })
    }

    fn value(&self, get: ValueGetter, column: usize) -> Result<ValueRef<'a>> {
        let column = c_int::try_from(column).map_err(|_| failure(ffi::SQLITE_RANGE, None))?;
        let mut value = ptr::null_mut();
        // SAFETY: the iterator stands on a change; `value` receives SQLite's value or null.
        let rc = unsafe { get(self.it, column, &mut value) };
        finish(rc, None)?;
        if value.is_null() {
            // No value for this column in this change (an update's unchanged column).
            return Ok(ValueRef::Null);
        }
        // SAFETY: a value owned by the iterator, unchanged while it stands on this change.
        unsafe { super::value_ref(value) }.map_err(|f| f.into_error(&format!("column {column}")))
    }

    pub(crate) fn old(&self, column: usize) -> Result<ValueRef<'a>> {
        self.value(ffi::sqlite3changeset_old, column)
    }

    pub(crate) fn new_value(&self, column: usize) -> Result<ValueRef<'a>> {
        self.value(ffi::sqlite3changeset_new, column)
    }

    pub(crate) fn conflict(&self, column: usize) -> Result<ValueRef<'a>> {
        self.value(ffi::sqlite3changeset_conflict, column)
    }

    pub(crate) fn fk_conflicts(&self) -> Result<c_int> {
        let mut n = 0;
        // SAFETY: the iterator is live; SQLite checks that it is a conflict handler's.
        let rc = unsafe { ffi::sqlite3changeset_fk_conflicts(self.it, &mut n) };
        finish(rc, None).map(|()| n)
    }

    pub(crate) fn pk(&self) -> Result<&'a [u8]> {
        let (mut flags, mut n) = (ptr::null_mut(), 0);
        // SAFETY: the iterator stands on a change; SQLite returns its table's flag array.
        let rc = unsafe { ffi::sqlite3changeset_pk(self.it, &mut flags, &mut n) };
        finish(rc, None)?;
        // SAFETY: `n` bytes owned by the iterator for the current table.
        Ok(unsafe { super::value::bytes(flags.cast_const(), n) })
    }
}

/// Owns a `sqlite3_session*` recording changes on one connection.
pub(crate) struct RawSession {
    session: NonNull<ffi::sqlite3_session>,
    /// The table filter closure SQLite holds, freed after SQLite has a new one or the
    /// session is deleted.
    filter: Option<BoxedCallback>,
}

impl RawSession {
    pub(crate) fn new(conn: &RawConnection, db_name: &CStr) -> Result<Self> {
        let mut session = ptr::null_mut();
        // SAFETY: the connection is open; `db_name` is NUL-terminated; `session` receives it.
        conn.call(|db| unsafe { ffi::sqlite3session_create(db, db_name.as_ptr(), &mut session) })?;
        let session = NonNull::new(session).expect("sqlite3session_create returned OK with null");
        Ok(Self {
            session,
            filter: None,
        })
    }

    fn ptr(&self) -> *mut ffi::sqlite3_session {
        self.session.as_ptr()
    }

    /// `sqlite3session_table_filter`: `filter` says which tables to record. A panic records
    /// the table (a changeset missing data would be worse) and resumes in the caller.
    pub(crate) fn set_table_filter<F>(&mut self, conn: &RawConnection, filter: Option<F>)
    where
        F: Fn(&str) -> bool + Send + 'static,
    {
        type Filter = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
        let callback = filter.as_ref().map(|_| table_filter::<F> as Filter);
        let (owner, data) = super::hooks::boxed(conn, "session table filter", filter);
        // SAFETY: the session is live; `data` is the Box<Hooked<F>> kept in `self.filter`
        // until SQLite has another (the old one is dropped only after this call).
        unsafe { ffi::sqlite3session_table_filter(self.ptr(), callback, data) };
        drop(std::mem::replace(&mut self.filter, owner));
    }

    pub(crate) fn attach(&self, conn: &RawConnection, table: Option<&CStr>) -> Result<()> {
        let table = table.map_or(ptr::null(), CStr::as_ptr);
        // SAFETY: the session and its connection are live; `table` is null or NUL-terminated.
        conn.call(|_| unsafe { ffi::sqlite3session_attach(self.ptr(), table) })
    }

    /// The changeset (or patchset) recorded so far.
    pub(crate) fn changeset(&self, conn: &RawConnection, patchset: bool) -> Result<RawChangeset> {
        let (mut len, mut data) = (0, ptr::null_mut());
        conn.call(|_| {
            // SAFETY: the session is live; it reads its connection's tables (through the
            // door); the outputs are writable.
            unsafe {
                if patchset {
                    ffi::sqlite3session_patchset(self.ptr(), &mut len, &mut data)
                } else {
                    ffi::sqlite3session_changeset(self.ptr(), &mut len, &mut data)
                }
            }
        })?;
        Ok(RawChangeset::from_raw(data, len))
    }

    /// As [`changeset`](Self::changeset), streamed to `write`.
    pub(crate) fn changeset_strm(
        &self,
        conn: &RawConnection,
        write: &mut dyn Write,
        patchset: bool,
    ) -> Result<()> {
        let mut output = Output::new(write);
        let ctx = output.ctx();
        let done = conn.call(|_| {
            // SAFETY: as for `changeset`; the output context lives for the call.
            unsafe {
                if patchset {
                    ffi::sqlite3session_patchset_strm(self.ptr(), Some(x_output as XOutput), ctx)
                } else {
                    ffi::sqlite3session_changeset_strm(self.ptr(), Some(x_output as XOutput), ctx)
                }
            }
        });
        done.map_err(|error| match output.error.take() {
            Some(io) => failure(ffi::SQLITE_IOERR_WRITE, Some(io)),
            None => error,
        })
    }

    /// `sqlite3session_diff`: records what it takes to turn `table` of database `from` into
    /// this session's database's.
    pub(crate) fn diff(&self, conn: &RawConnection, from: &CStr, table: &CStr) -> Result<()> {
        let mut message: *mut c_char = ptr::null_mut();
        let done = conn.call(|_| {
            // SAFETY: the session is live; the names are NUL-terminated; `message` receives a
            // sqlite3_malloc'd string or null.
            unsafe {
                ffi::sqlite3session_diff(self.ptr(), from.as_ptr(), table.as_ptr(), &mut message)
            }
        });
        let detail = (!message.is_null()).then(|| {
            // SAFETY: SQLite's NUL-terminated message, read before it is freed below.
            let text = unsafe { CStr::from_ptr(message) }
                .to_string_lossy()
                .into_owned();
            // SAFETY: sqlite3_malloc'd, freed once.
            unsafe { ffi::sqlite3_free(message.cast()) };
            text
        });
        done.map_err(|error| match (error, detail) {
            (Error::Sqlite(mut sqlite), Some(detail)) => {
                sqlite.message = detail;
                Error::Sqlite(sqlite)
            }
            (error, _) => error,
        })
    }

    pub(crate) fn is_empty(&self) -> bool {
        // SAFETY: the session is live; this reads its state.
        unsafe { ffi::sqlite3session_isempty(self.ptr()) != 0 }
    }

    /// `sqlite3session_enable` (`-1` only reads).
    pub(crate) fn enable(&self, value: c_int) -> bool {
        // SAFETY: the session is live; this reads or sets a flag.
        unsafe { ffi::sqlite3session_enable(self.ptr(), value) != 0 }
    }

    /// `sqlite3session_indirect` (`-1` only reads).
    pub(crate) fn indirect(&self, value: c_int) -> bool {
        // SAFETY: as for `enable`.
        unsafe { ffi::sqlite3session_indirect(self.ptr(), value) != 0 }
    }

    /// Deletes the session, unless its connection must not be touched from here (then leaks).
    pub(crate) fn delete(self, conn: &RawConnection) {
        let this = std::mem::ManuallyDrop::new(self);
        if !(conn.inherited_by_fork() || conn.refused_by_single_threaded_sqlite()) {
            // SAFETY: deleted once (`self` is consumed), before its connection closes.
            unsafe { ffi::sqlite3session_delete(this.ptr()) };
        }
        // SAFETY: the filter closure is read out once; SQLite no longer calls it.
        drop(unsafe { ptr::read(&this.filter) });
    }
}

unsafe extern "C" fn table_filter<F: Fn(&str) -> bool>(
    data: *mut c_void,
    table: *const c_char,
) -> c_int {
    // SAFETY: a NUL-terminated table name valid for the call.
    let table = unsafe { super::optional_str(table) }.unwrap_or("");
    // SAFETY: `data` is the live Box<Hooked<F>> registered in `set_table_filter`.
    let keep = unsafe { super::hooks::Hooked::<F>::run(data, |f| f(table)) };
    c_int::from(keep.unwrap_or(true))
}

/// Owns a `sqlite3_changegroup*`.
pub(crate) struct RawChangegroup {
    group: NonNull<ffi::sqlite3_changegroup>,
}

// SAFETY: as for RawChangeset: owned memory, no Send where SQLite's allocator has no mutex.
#[cfg(not(feature = "single-thread"))]
unsafe impl Send for RawChangegroup {}

impl RawChangegroup {
    pub(crate) fn new() -> Result<Self> {
        super::setup::initialise();
        let mut group = ptr::null_mut();
        // SAFETY: `group` receives the new object.
        let rc = unsafe { ffi::sqlite3changegroup_new(&mut group) };
        finish(rc, None)?;
        let group = NonNull::new(group).expect("sqlite3changegroup_new returned OK with null");
        Ok(Self { group })
    }

    pub(crate) fn add(&self, changeset: &RawChangeset) -> Result<()> {
        // SAFETY: the group is live; the changeset buffer holds `len` bytes.
        let rc = unsafe {
            ffi::sqlite3changegroup_add(self.group.as_ptr(), changeset.len, changeset.data)
        };
        finish(rc, None)
    }

    pub(crate) fn add_stream(&self, read: &mut dyn Read) -> Result<()> {
        let mut input = Input::new(read);
        // SAFETY: the group is live; the input context lives for the call.
        let rc = unsafe {
            ffi::sqlite3changegroup_add_strm(
                self.group.as_ptr(),
                Some(x_input as XInput),
                input.ctx(),
            )
        };
        finish(rc, input.error)
    }

    pub(crate) fn output(&self) -> Result<RawChangeset> {
        let (mut len, mut data) = (0, ptr::null_mut());
        // SAFETY: the group is live; the outputs are writable.
        let rc =
            unsafe { ffi::sqlite3changegroup_output(self.group.as_ptr(), &mut len, &mut data) };
        finish(rc, None).map(|()| RawChangeset::from_raw(data, len))
    }

    pub(crate) fn output_strm(&self, write: &mut dyn Write) -> Result<()> {
        let mut output = Output::new(write);
        // SAFETY: the group is live; the output context lives for the call.
        let rc = unsafe {
            ffi::sqlite3changegroup_output_strm(
                self.group.as_ptr(),
                Some(x_output as XOutput),
                output.ctx(),
            )
        };
        finish(rc, output.error)
    }
}

impl Drop for RawChangegroup {
    fn drop(&mut self) {
        // SAFETY: deleted once.
        unsafe { ffi::sqlite3changegroup_delete(self.group.as_ptr()) };
    }
}

/// What to apply: a buffer, or a stream.
pub(crate) enum Source<'a> {
    Buffer(&'a RawChangeset),
    Stream(&'a mut dyn Read),
}

/// The filter and conflict handler of one `apply`, with their connection.
struct Apply<F, C> {
    db: *mut ffi::sqlite3,
    filter: Option<F>,
    conflict: C,
}

/// `sqlite3changeset_apply(_strm)` on `conn`: `filter` picks tables (all when None),
/// `conflict` answers each conflict with OMIT, REPLACE or ABORT. A panic in the handler aborts
/// the apply; in the filter it skips the table. Either resumes when this returns, and the
/// caller (`Connection::apply`) rolls back what was applied.
pub(crate) fn apply<F, C>(
    conn: &RawConnection,
    source: Source<'_>,
    filter: Option<F>,
    conflict: C,
) -> Result<()>
where
    F: Fn(&str) -> bool,
    C: Fn(c_int, Item<'_>) -> c_int,
{
    type Filter = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;
    type Conflict =
        unsafe extern "C" fn(*mut c_void, c_int, *mut ffi::sqlite3_changeset_iter) -> c_int;
    let x_filter = filter.as_ref().map(|_| apply_filter::<F, C> as Filter);
    let mut ctx = Apply {
        db: conn.as_ptr(),
        filter,
        conflict,
    };
    let data = ptr::from_mut(&mut ctx).cast::<c_void>();
    let x_conflict = Some(apply_conflict::<F, C> as Conflict);
    match source {
        Source::Buffer(changeset) => conn.call(|db| {
            // SAFETY: the connection is open; the changeset buffer and `ctx` live for the call.
            unsafe {
                ffi::sqlite3changeset_apply(
                    db,
                    changeset.len,
                    changeset.data,
                    x_filter,
                    x_conflict,
                    data,
                )
            }
        }),
        Source::Stream(read) => {
            let mut input = Input::new(read);
            let input_ctx = input.ctx();
            let applied = conn.call(|db| {
                // SAFETY: as above; the input context lives for the call.
                unsafe {
                    ffi::sqlite3changeset_apply_strm(
                        db,
                        Some(x_input as XInput),
                        input_ctx,
                        x_filter,
                        x_conflict,
                        data,
                    )
                }
            });
            applied.map_err(|error| match input.error.take() {
                Some(io) => failure(ffi::SQLITE_IOERR_READ, Some(io)),
                None => error,
            })
        }
    }
}

unsafe extern "C" fn apply_filter<F, C>(data: *mut c_void, table: *const c_char) -> c_int
where
    F: Fn(&str) -> bool,
{
    // SAFETY: `data` is the `Apply` of the running call; the name is valid for the call.
    let (ctx, table) = unsafe {
        (
            &*data.cast::<Apply<F, C>>(),
            super::optional_str(table).unwrap_or(""),
        )
    };
    let _scope = HookScope::enter(ctx.db, "changeset filter");
    let filter = ctx.filter.as_ref().expect("registered only with a filter");
    // A panic skips the table; the caller rolls back the whole apply when it resumes.
    catch(|| filter(table)).map_or(0, c_int::from)
}

unsafe extern "C" fn apply_conflict<F, C>(
    data: *mut c_void,
    kind: c_int,
    it: *mut ffi::sqlite3_changeset_iter,
) -> c_int
where
    C: Fn(c_int, Item<'_>) -> c_int,
{
    // SAFETY: `data` is the `Apply` of the running call.
    let ctx = unsafe { &*data.cast::<Apply<F, C>>() };
    let _scope = HookScope::enter(ctx.db, "conflict handler");
    let item = Item {
        it,
        _iter: std::marker::PhantomData,
    };
    catch(|| (ctx.conflict)(kind, item)).unwrap_or(ffi::SQLITE_CHANGESET_ABORT)
}
