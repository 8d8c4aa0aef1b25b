//! `rarray(?)`: the values of a Rust vector as a one-column table (rusqlite's `vtab::array`,
//! after SQLite's `carray`), for `WHERE id IN rarray(?1)` with any number of values and one
//! prepared statement.
//!
//! The parameter is an [`Array`], a shared `Rc<Vec<Value>>`: binding it passes a reference,
//! never a copy. `rarray(NULL)` is empty; any other argument that is not an `Array` is an error.
//!
//! ```
//! use lite3::types::Value;
//! use lite3::vtab::array::{self, Array};
//! use std::rc::Rc;
//!
//! let conn = lite3::Connection::open_in_memory()?;
//! array::load_module(&conn)?;
//! conn.execute_batch("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);
//!                     INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three');")?;
//! let ids: Array = Rc::new(vec![Value::from(1), Value::from(3)]);
//! let mut stmt = conn.prepare("SELECT name FROM t WHERE id IN rarray(?1) ORDER BY id")?;
//! let names: Vec<String> = stmt.query_map([&ids], |r| r.get(0))?.collect::<Result<_, _>>()?;
//! assert_eq!(names, ["one", "three"]);
//! # Ok::<(), lite3::Error>(())
//! ```

use super::{
    Context, Filters, IndexConstraintOp, IndexInfo, Module, VTab, VTabConfig, VTabConnection,
    VTabCursor,
};
use crate::types::{ToSql, ToSqlOutput, Value};
use crate::{Connection, Result, ValueRef};
use std::borrow::Cow;
use std::ffi::{CStr, c_int};
use std::rc::Rc;

/// SQLite's name for the pointer an [`Array`] is bound as, and the module's name.
const ARRAY_TYPE: &CStr = c"rarray";

/// The values `rarray(?)` reads, shared with the statement it is bound to.
pub type Array = Rc<Vec<Value>>;

impl ToSql for Array {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from_rc(Rc::clone(self), ARRAY_TYPE))
    }
}

/// Registers `rarray` on `conn`.
///
/// # Errors
/// SQLite's error.
pub fn load_module(conn: &Connection) -> Result<()> {
    const MODULE: Module<ArrayTab> = Module::eponymous_only_module();
    conn.create_module(ARRAY_TYPE, &MODULE, None)
}

/// The hidden column holding the argument.
const POINTER: c_int = 1;

struct ArrayTab;

impl VTab for ArrayTab {
    type Aux = ();
    type Cursor = ArrayCursor;

    fn connect(
        db: &mut VTabConnection,
        _aux: Option<&()>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        db.config(VTabConfig::Innocuous)?;
        Ok((
            Cow::Borrowed(c"CREATE TABLE x(value, pointer HIDDEN)"),
            ArrayTab,
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        let argument = info.constraints().position(|c| {
            c.is_usable()
                && c.column() == POINTER
                && c.operator() == IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ
        });
        match argument {
            Some(i) => {
                let mut usage = info.constraint_usage(i);
                usage.set_argv_index(1);
                usage.set_omit(true);
                info.set_estimated_cost(1.0);
                info.set_estimated_rows(100);
                info.set_idx_num(1);
                Ok(true)
            }
            // Without its argument the table has no rows; that plan is never a good one.
            None => {
                info.set_estimated_cost(2_147_483_647.0);
                info.set_estimated_rows(2_147_483_647);
                info.set_idx_num(0);
                Ok(true)
            }
        }
    }

    fn open(&mut self) -> Result<ArrayCursor> {
        Ok(ArrayCursor {
            values: None,
            row: 0,
        })
    }
}

struct ArrayCursor {
    values: Option<Array>,
    /// 0-based index of the current row.
    row: usize,
}

impl VTabCursor for ArrayCursor {
    fn filter(&mut self, idx_num: c_int, _idx_str: Option<&str>, args: &Filters<'_>) -> Result<()> {
        self.row = 0;
        self.values = None;
        if idx_num == 0 {
            return Ok(());
        }
        self.values = args.get_rc::<Vec<Value>>(0, ARRAY_TYPE);
        // NULL is an empty array; anything else that is not an `Array` (a number, or a pointer
        // of this name holding another Rust type) is a mistake worth reporting.
        if self.values.is_none()
            && (args.has_pointer(0, ARRAY_TYPE) || args.get_ref(0)? != ValueRef::Null)
        {
            return Err(super::module_error(
                "rarray(?) takes a lite3::vtab::array::Array parameter (or NULL)",
            ));
        }
        Ok(())
    }

    fn next(&mut self) -> Result<()> {
        self.row += 1;
        Ok(())
    }

    fn eof(&self) -> bool {
        self.values.as_ref().is_none_or(|v| self.row >= v.len())
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> Result<()> {
        match (i, &self.values) {
            (0, Some(values)) => ctx.set_result(&values[self.row]),
            _ => ctx.set_result(crate::types::Null),
        }
    }

    fn rowid(&self) -> Result<i64> {
        Ok(i64::try_from(self.row).unwrap_or(i64::MAX) + 1)
    }
}
