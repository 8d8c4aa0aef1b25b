//! Virtual tables: the `sqlite3_module` a [`Module`] describes, its registration, and the
//! `extern "C"` methods SQLite calls. Each method runs the user's code under [`catch`]: a panic
//! is parked and resumes in the caller of the statement; an error is reported to SQLite as its
//! message (the table's `zErrMsg`) and parked for the caller as the value returned. The user's
//! table and cursor live in boxes lite3 makes ([`Table`], [`Cursor`]), whose first field is the
//! struct SQLite sees, so user types need no `#[repr(C)]` base field. A `RefCell` around each
//! turns SQLite calling back into a table whose method is running into an error instead of an
//! aliased `&mut`.

use super::RawConnection;
use super::panic::{catch, drop_quietly, park_error};
use super::values::Values;
use crate::vtab::{CreateVTab, TransactionVTab, UpdateVTab, VTab, VTabCursor, VTabKind};
use crate::{Error, Result, ffi};
use std::cell::RefCell;
use std::ffi::{CStr, c_char, c_int, c_void};
use std::marker::PhantomData;

pub use super::vtab_args::{Context, Filters, InValues, Inserts, Updates, VTabConnection};
pub use super::vtab_index::{
    IndexConstraint, IndexConstraintAndUsageIter, IndexConstraintIter, IndexConstraintUsage,
    IndexInfo, OrderBy, OrderByIter,
};

/// A virtual table module: the methods SQLite calls for tables of type `T` (rusqlite's
/// `Module`). Made in a `const` by one of the constructors, and registered with
/// [`Connection::create_module`](crate::Connection::create_module).
#[repr(transparent)]
pub struct Module<T: VTab> {
    base: ffi::sqlite3_module,
    _table: PhantomData<fn() -> T>,
}

/// A module with no methods; the constructors fill in what the type implements. Zero is every
/// field's "absent" (null function pointers, version 0), whatever header the bindings came from.
// SAFETY: sqlite3_module holds only an int and optional function pointers, all valid as zero.
const NO_METHODS: ffi::sqlite3_module = unsafe { std::mem::zeroed() };

impl<T: VTab> Module<T> {
    /// A module usable only by its own name, as a table-valued function (`SELECT … FROM
    /// name(args)`); `CREATE VIRTUAL TABLE` with it fails.
    #[must_use]
    pub const fn eponymous_only_module() -> Self {
        Module {
            base: ffi::sqlite3_module {
                iVersion: 1,
                xCreate: None,
                xConnect: Some(connect::<T>),
                xBestIndex: Some(best_index::<T>),
                xDisconnect: Some(disconnect::<T>),
                xDestroy: None,
                xOpen: Some(open::<T>),
                xClose: Some(close::<T>),
                xFilter: Some(filter::<T>),
                xNext: Some(next::<T>),
                xEof: Some(eof::<T>),
                xColumn: Some(column::<T>),
                xRowid: Some(rowid::<T>),
                ..NO_METHODS
            },
            _table: PhantomData,
        }
    }

    /// A read-only module for `CREATE VIRTUAL TABLE` (and by name too, for
    /// [`VTabKind::Eponymous`]; there `create` and `destroy` are `connect` and dropping).
    #[must_use]
    pub const fn read_only_module() -> Self
    where
        T: CreateVTab,
    {
        let mut module = Self::eponymous_only_module();
        match T::KIND {
            VTabKind::EponymousOnly => {}
            // SQLite makes a table eponymous when xCreate is the very function xConnect is.
            VTabKind::Eponymous => {
                module.base.xCreate = module.base.xConnect;
                module.base.xDestroy = module.base.xDisconnect;
            }
            VTabKind::Default => {
                module.base.xCreate = Some(create::<T>);
                module.base.xDestroy = Some(destroy::<T>);
            }
        }
        module
    }

    /// A writable module: `INSERT`, `UPDATE` and `DELETE` call [`UpdateVTab`]'s methods.
    #[must_use]
    pub const fn update_module() -> Self
    where
        T: UpdateVTab,
    {
        let mut module = Self::read_only_module();
        module.base.xUpdate = Some(update::<T>);
        module
    }

    /// A writable module told about transactions ([`TransactionVTab`]).
    #[must_use]
    pub const fn update_module_with_tx() -> Self
    where
        T: TransactionVTab,
    {
        let mut module = Self::update_module();
        module.base.xBegin = Some(begin::<T>);
        module.base.xSync = Some(sync::<T>);
        module.base.xCommit = Some(commit::<T>);
        module.base.xRollback = Some(rollback::<T>);
        module
    }

    /// Without `rowid`: for tables declared `WITHOUT ROWID`.
    #[must_use]
    pub const fn without_rowid(mut self) -> Self {
        self.base.xRowid = None;
        self
    }

    /// Without the first phase of commit ([`TransactionVTab::sync`] is not called).
    #[must_use]
    pub const fn without_sync(mut self) -> Self
    where
        T: TransactionVTab,
    {
        self.base.xSync = None;
        self
    }
}

impl<T: VTab> std::fmt::Debug for Module<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("table", &std::any::type_name::<T>())
            .finish()
    }
}

/// Registers `module` as `name` with `aux`. SQLite frees `aux` (with `free_aux`) when it lets
/// go of the module, also when registering fails.
pub(crate) fn create_module<T: VTab>(
    conn: &RawConnection,
    name: &CStr,
    module: &'static Module<T>,
    aux: Option<T::Aux>,
) -> Result<()> {
    conn.call(|db| {
        let (data, destroy) = match aux {
            Some(aux) => (
                Box::into_raw(Box::new(aux)).cast::<c_void>(),
                Some(free_aux::<T::Aux> as unsafe extern "C" fn(*mut c_void)),
            ),
            None => (std::ptr::null_mut(), None),
        };
        // SAFETY: the connection is open; `name` is NUL-terminated; the module is static; SQLite
        // owns `data` from here and frees it with `destroy`.
        unsafe { ffi::sqlite3_create_module_v2(db, name.as_ptr(), &module.base, data, destroy) }
    })
}

unsafe extern "C" fn free_aux<A>(data: *mut c_void) {
    // SAFETY: `data` is the Box<A> made in `create_module`; SQLite frees it exactly once.
    drop_quietly(unsafe { Box::from_raw(data.cast::<A>()) });
}

/// The box behind each `sqlite3_vtab` lite3 hands SQLite.
#[repr(C)]
struct Table<T> {
    /// What SQLite sees; first, so a pointer to it is a pointer to the box.
    base: ffi::sqlite3_vtab,
    db: *mut ffi::sqlite3,
    name: Box<str>,
    tab: RefCell<T>,
}

/// The box behind each `sqlite3_vtab_cursor`.
#[repr(C)]
struct Cursor<C> {
    base: ffi::sqlite3_vtab_cursor,
    cursor: RefCell<C>,
}

impl<T> Drop for Table<T> {
    fn drop(&mut self) {
        // SAFETY: null or a message lite3 set with sqlite3_malloc that SQLite has not taken.
        unsafe { ffi::sqlite3_free(self.base.zErrMsg.cast()) };
    }
}

/// A copy of `text` in memory from `sqlite3_malloc`, NUL-terminated (cut at a NUL byte), for
/// SQLite to free; null when it cannot allocate.
pub(crate) fn sqlite_string(text: &str) -> *mut c_char {
    let text = text.split('\0').next().unwrap_or_default();
    // SAFETY: a plain allocation of len + 1 bytes, written in full below before SQLite sees it.
    unsafe {
        let copy = ffi::sqlite3_malloc64(text.len() as u64 + 1).cast::<u8>();
        if !copy.is_null() {
            std::ptr::copy_nonoverlapping(text.as_ptr(), copy, text.len());
            *copy.add(text.len()) = 0;
        }
        copy.cast()
    }
}

/// Sets `*slot`, an error message SQLite will take and free, to `message`.
///
/// # Safety
/// `slot` is writable and holds null or a string from `sqlite3_malloc`.
unsafe fn set_message(slot: *mut *mut c_char, message: &str) {
    // SAFETY: guaranteed by the caller.
    unsafe {
        ffi::sqlite3_free((*slot).cast());
        *slot = sqlite_string(message);
    }
}

const PANICKED: &str = "a virtual table method panicked; the panic resumes in the caller";

/// Runs a method of a table of connection `db` under [`catch`]. A failure becomes the code
/// the method returns to SQLite, with its message in `*message`: SQLite's own errors keep
/// their code and travel as SQLite errors; any other error is parked for the caller as is.
///
/// # Safety
/// As [`set_message`] for `message`; `db` is the connection running the method.
unsafe fn run<R>(
    db: *mut ffi::sqlite3,
    message: *mut *mut c_char,
    method: impl FnOnce() -> Result<R>,
) -> Result<R, c_int> {
    let failure = match catch(method) {
        Some(Ok(value)) => return Ok(value),
        Some(Err(error)) => error,
        None => {
            // SAFETY: guaranteed by the caller.
            unsafe { set_message(message, PANICKED) };
            return Err(ffi::SQLITE_ERROR);
        }
    };
    // SAFETY: guaranteed by the caller.
    unsafe { set_message(message, &failure.to_string()) };
    if let Error::Sqlite(sqlite) = &failure {
        // The code matters to SQLite (SQLITE_CONSTRAINT from xUpdate, say), and the caller
        // gets an SQLite error with it and this message anyway.
        return Err(sqlite.extended_code);
    }
    park_error(db, failure);
    Err(ffi::SQLITE_ERROR)
}

fn reentered(name: &str) -> Error {
    Error::ModuleError(format!(
        "virtual table {name:?} was called again while one of its methods was running"
    ))
}

/// The parts of a table box a method uses.
struct Parts<'a, T> {
    db: *mut ffi::sqlite3,
    /// The table's error message slot.
    message: *mut *mut c_char,
    name: &'a str,
    tab: &'a RefCell<T>,
}

/// The parts of the table box behind `vtab`.
///
/// # Safety
/// `vtab` is a live `Table<T>` made by `construct`; the references live for the method call.
unsafe fn parts<'a, T>(vtab: *mut ffi::sqlite3_vtab) -> Parts<'a, T> {
    let table = vtab.cast::<Table<T>>();
    // SAFETY: guaranteed by the caller. No reference to the whole box is made: SQLite reads
    // and writes `base` meanwhile, so only the other fields are borrowed.
    unsafe {
        Parts {
            db: (*table).db,
            message: &raw mut (*table).base.zErrMsg,
            name: &(*table).name,
            tab: &(*table).tab,
        }
    }
}

/// The table box behind a cursor, and the user's cursor.
///
/// # Safety
/// `cursor` is a live `Cursor<T::Cursor>` made by `open`, whose `pVtab` SQLite has set to
/// its live `Table<T>`.
unsafe fn cursor_parts<'a, T: VTab>(
    cursor: *mut ffi::sqlite3_vtab_cursor,
) -> (Parts<'a, T>, &'a RefCell<T::Cursor>) {
    let boxed = cursor.cast::<Cursor<T::Cursor>>();
    // SAFETY: guaranteed by the caller; only the cursor field is borrowed.
    unsafe { (parts::<T>((*boxed).base.pVtab), &(*boxed).cursor) }
}

type Constructor<T> = fn(
    &mut VTabConnection,
    Option<&<T as VTab>::Aux>,
    &[u8],
    &[u8],
    &[u8],
    &[&[u8]],
) -> Result<(std::borrow::Cow<'static, CStr>, T)>;

/// `xConnect`/`xCreate`: runs `make`, declares the schema it returned, boxes the table.
///
/// # Safety
/// SQLite's arguments to `xConnect`/`xCreate` for a module registered by `create_module::<T>`.
unsafe fn construct<T: VTab>(
    db: *mut ffi::sqlite3,
    aux: *mut c_void,
    argc: c_int,
    argv: *const *const c_char,
    table_out: *mut *mut ffi::sqlite3_vtab,
    message: *mut *mut c_char,
    make: Constructor<T>,
) -> c_int {
    // SAFETY: SQLite passes `argc` NUL-terminated strings: module, database, table, arguments.
    let args: Vec<&[u8]> = (0..usize::try_from(argc).unwrap_or(0))
        .map(|i| unsafe { CStr::from_ptr(*argv.add(i)) }.to_bytes())
        .collect();
    let [module_name, database_name, table_name, rest @ ..] = &args[..] else {
        // SAFETY: `message` is SQLite's error slot for this call.
        unsafe { set_message(message, "SQLite passed too few module arguments") };
        return ffi::SQLITE_ERROR;
    };
    // SAFETY: `aux` is null or the Box<T::Aux> registered with the module, alive while the
    // module is.
    let aux = unsafe { aux.cast::<T::Aux>().as_ref() };
    // SAFETY: `db` is the connection whose xConnect/xCreate runs now.
    let mut conn = unsafe { VTabConnection::new(db) };
    // SAFETY: `message` is SQLite's error slot; `db` runs this call.
    let made = unsafe {
        run(db, message, || {
            make(&mut conn, aux, module_name, database_name, table_name, rest)
        })
    };
    let (schema, tab) = match made {
        Ok(made) => made,
        Err(rc) => return rc,
    };
    // SAFETY: `db` runs this xConnect/xCreate, where SQLite expects the declaration.
    let rc = unsafe { ffi::sqlite3_declare_vtab(db, schema.as_ptr()) };
    if rc != ffi::SQLITE_OK {
        // SAFETY: SQLite's message for the declaration is read at once; `message` is the slot.
        unsafe {
            let why = CStr::from_ptr(ffi::sqlite3_errmsg(db)).to_string_lossy();
            set_message(message, &format!("the declared schema was refused: {why}"));
        }
        drop_quietly(tab);
        return rc;
    }
    let table = Box::new(Table {
        base: ffi::sqlite3_vtab {
            pModule: std::ptr::null(),
            nRef: 0,
            zErrMsg: std::ptr::null_mut(),
        },
        db,
        name: String::from_utf8_lossy(table_name).into(),
        tab: RefCell::new(tab),
    });
    // SAFETY: `table_out` is SQLite's slot for the new table; `base` is the box's first field,
    // so the pointer is the box's, which `disconnect`/`destroy` free.
    unsafe { *table_out = Box::into_raw(table).cast() };
    ffi::SQLITE_OK
}

unsafe extern "C" fn connect<T: VTab>(
    db: *mut ffi::sqlite3,
    aux: *mut c_void,
    argc: c_int,
    argv: *const *const c_char,
    table_out: *mut *mut ffi::sqlite3_vtab,
    message: *mut *mut c_char,
) -> c_int {
    // SAFETY: SQLite's xConnect arguments, passed on.
    unsafe { construct::<T>(db, aux, argc, argv, table_out, message, T::connect) }
}

unsafe extern "C" fn create<T: CreateVTab>(
    db: *mut ffi::sqlite3,
    aux: *mut c_void,
    argc: c_int,
    argv: *const *const c_char,
    table_out: *mut *mut ffi::sqlite3_vtab,
    message: *mut *mut c_char,
) -> c_int {
    // SAFETY: SQLite's xCreate arguments, passed on.
    unsafe { construct::<T>(db, aux, argc, argv, table_out, message, T::create) }
}

unsafe extern "C" fn best_index<T: VTab>(
    vtab: *mut ffi::sqlite3_vtab,
    info: *mut ffi::sqlite3_index_info,
) -> c_int {
    // SAFETY: `vtab` is one of our tables; `info` lives for this call.
    unsafe {
        let Parts {
            db,
            message,
            name,
            tab,
        } = parts::<T>(vtab);
        let mut info = IndexInfo::new(info);
        let usable = run(db, message, || {
            tab.try_borrow()
                .map_err(|_| reentered(name))?
                .best_index(&mut info)
        });
        match usable {
            Ok(true) => ffi::SQLITE_OK,
            // This plan cannot be used; SQLite tries others.
            Ok(false) => ffi::SQLITE_CONSTRAINT,
            Err(rc) => rc,
        }
    }
}

unsafe extern "C" fn disconnect<T>(vtab: *mut ffi::sqlite3_vtab) -> c_int {
    // SAFETY: `vtab` is the Box<Table<T>> made in `construct`; SQLite disconnects it once,
    // with no method of it running and no cursor open.
    drop_quietly(unsafe { Box::from_raw(vtab.cast::<Table<T>>()) });
    ffi::SQLITE_OK
}

unsafe extern "C" fn destroy<T: CreateVTab>(vtab: *mut ffi::sqlite3_vtab) -> c_int {
    // SAFETY: `vtab` is one of our tables.
    let dropped = unsafe {
        let Parts {
            db,
            message,
            name,
            tab,
        } = parts::<T>(vtab);
        run(db, message, || {
            tab.try_borrow().map_err(|_| reentered(name))?.destroy()
        })
    };
    match dropped {
        // SAFETY: as in `disconnect`: SQLite lets go of the table now.
        Ok(()) => unsafe { disconnect::<T>(vtab) },
        // The table stays: SQLite keeps it when xDestroy fails.
        Err(rc) => rc,
    }
}

unsafe extern "C" fn open<T: VTab>(
    vtab: *mut ffi::sqlite3_vtab,
    cursor_out: *mut *mut ffi::sqlite3_vtab_cursor,
) -> c_int {
    // SAFETY: `vtab` is one of our tables.
    let opened = unsafe {
        let Parts {
            db,
            message,
            name,
            tab,
        } = parts::<T>(vtab);
        run(db, message, || {
            tab.try_borrow_mut().map_err(|_| reentered(name))?.open()
        })
    };
    match opened {
        Ok(cursor) => {
            let boxed = Box::new(Cursor {
                base: ffi::sqlite3_vtab_cursor {
                    pVtab: std::ptr::null_mut(),
                },
                cursor: RefCell::new(cursor),
            });
            // SAFETY: SQLite's slot for the new cursor; `base` is first, so this is the box,
            // which `close` frees. SQLite sets `pVtab`.
            unsafe { *cursor_out = Box::into_raw(boxed).cast() };
            ffi::SQLITE_OK
        }
        Err(rc) => rc,
    }
}

unsafe extern "C" fn close<T: VTab>(cursor: *mut ffi::sqlite3_vtab_cursor) -> c_int {
    // SAFETY: the Box<Cursor> made in `open`; SQLite closes it once, with no method running.
    drop_quietly(unsafe { Box::from_raw(cursor.cast::<Cursor<T::Cursor>>()) });
    ffi::SQLITE_OK
}

/// Runs a cursor method with the cursor borrowed (`mutable` or not), reporting failure.
///
/// # Safety
/// `cursor` is one of our cursors, for a table of type `T`.
unsafe fn with_cursor<T: VTab, R>(
    cursor: *mut ffi::sqlite3_vtab_cursor,
    method: impl FnOnce(&RefCell<T::Cursor>, &str) -> Result<R>,
) -> Result<R, c_int> {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let (
            Parts {
                db, message, name, ..
            },
            cursor,
        ) = cursor_parts::<T>(cursor);
        run(db, message, || method(cursor, name))
    }
}

fn code(outcome: Result<(), c_int>) -> c_int {
    outcome.err().unwrap_or(ffi::SQLITE_OK)
}

unsafe extern "C" fn filter<T: VTab>(
    cursor: *mut ffi::sqlite3_vtab_cursor,
    idx_num: c_int,
    idx_str: *const c_char,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
) -> c_int {
    // SAFETY: SQLite's xFilter arguments, valid for this call.
    unsafe {
        let idx_str = super::optional_str(idx_str);
        let args = Filters::new(Values::new(argc, argv));
        code(with_cursor::<T, _>(cursor, |c, name| {
            c.try_borrow_mut()
                .map_err(|_| reentered(name))?
                .filter(idx_num, idx_str, &args)
        }))
    }
}

unsafe extern "C" fn next<T: VTab>(cursor: *mut ffi::sqlite3_vtab_cursor) -> c_int {
    // SAFETY: one of our cursors.
    code(unsafe {
        with_cursor::<T, _>(cursor, |c, name| {
            c.try_borrow_mut().map_err(|_| reentered(name))?.next()
        })
    })
}

unsafe extern "C" fn eof<T: VTab>(cursor: *mut ffi::sqlite3_vtab_cursor) -> c_int {
    // SAFETY: one of our cursors.
    let (_, c) = unsafe { cursor_parts::<T>(cursor) };
    // A panic (or re-entry) ends the scan; the panic resumes once the statement returns.
    let at_end = catch(|| c.try_borrow().map_or(true, |c| c.eof()));
    c_int::from(at_end.unwrap_or(true))
}

unsafe extern "C" fn column<T: VTab>(
    cursor: *mut ffi::sqlite3_vtab_cursor,
    ctx: *mut ffi::sqlite3_context,
    i: c_int,
) -> c_int {
    // SAFETY: one of our cursors; `ctx` is the live context of this xColumn call.
    unsafe {
        let mut context = Context::new(ctx);
        code(with_cursor::<T, _>(cursor, |c, name| {
            c.try_borrow()
                .map_err(|_| reentered(name))?
                .column(&mut context, i)
        }))
    }
}

unsafe extern "C" fn rowid<T: VTab>(
    cursor: *mut ffi::sqlite3_vtab_cursor,
    rowid_out: *mut ffi::sqlite3_int64,
) -> c_int {
    // SAFETY: one of our cursors; `rowid_out` is SQLite's slot.
    unsafe {
        match with_cursor::<T, _>(cursor, |c, name| {
            c.try_borrow().map_err(|_| reentered(name))?.rowid()
        }) {
            Ok(rowid) => {
                *rowid_out = rowid;
                ffi::SQLITE_OK
            }
            Err(rc) => rc,
        }
    }
}

unsafe extern "C" fn update<T: UpdateVTab>(
    vtab: *mut ffi::sqlite3_vtab,
    argc: c_int,
    argv: *mut *mut ffi::sqlite3_value,
    rowid_out: *mut ffi::sqlite3_int64,
) -> c_int {
    // SAFETY: one of our tables; SQLite's xUpdate arguments are valid for this call.
    unsafe {
        let Parts {
            db,
            message,
            name,
            tab,
        } = parts::<T>(vtab);
        let values = Values::new(argc, argv);
        let written = run(db, message, || {
            let mut tab = tab.try_borrow_mut().map_err(|_| reentered(name))?;
            if values.len() == 1 {
                tab.delete(values.get_ref(0)?).map(|()| None)
            } else if values.get_ref(0)? == crate::ValueRef::Null {
                tab.insert(&Inserts::new(values, db)).map(Some)
            } else {
                tab.update(&Updates::new(values, db)).map(|()| None)
            }
        });
        match written {
            Ok(Some(rowid)) => {
                *rowid_out = rowid;
                ffi::SQLITE_OK
            }
            Ok(None) => ffi::SQLITE_OK,
            Err(rc) => rc,
        }
    }
}

/// One of the transaction methods.
///
/// # Safety
/// `vtab` is one of our tables.
unsafe fn transaction_step<T: TransactionVTab>(
    vtab: *mut ffi::sqlite3_vtab,
    step: fn(&mut T) -> Result<()>,
) -> c_int {
    // SAFETY: guaranteed by the caller.
    unsafe {
        let Parts {
            db,
            message,
            name,
            tab,
        } = parts::<T>(vtab);
        code(run(db, message, || {
            step(&mut *tab.try_borrow_mut().map_err(|_| reentered(name))?)
        }))
    }
}

unsafe extern "C" fn begin<T: TransactionVTab>(vtab: *mut ffi::sqlite3_vtab) -> c_int {
    // SAFETY: one of our tables.
    unsafe { transaction_step::<T>(vtab, T::begin) }
}

unsafe extern "C" fn sync<T: TransactionVTab>(vtab: *mut ffi::sqlite3_vtab) -> c_int {
    // SAFETY: one of our tables.
    unsafe { transaction_step::<T>(vtab, T::sync) }
}

unsafe extern "C" fn commit<T: TransactionVTab>(vtab: *mut ffi::sqlite3_vtab) -> c_int {
    // SAFETY: one of our tables.
    unsafe { transaction_step::<T>(vtab, T::commit) }
}

unsafe extern "C" fn rollback<T: TransactionVTab>(vtab: *mut ffi::sqlite3_vtab) -> c_int {
    // SAFETY: one of our tables.
    unsafe { transaction_step::<T>(vtab, T::rollback) }
}
