//! `generate_series(start, stop, step)`: the integers from `start` to `stop` (inclusive) every
//! `step`, as a table-valued function (rusqlite's `vtab::series`, after SQLite's
//! <https://sqlite.org/series.html>).
//!
//! - `stop` defaults to 4,294,967,295 and `step` to 1; a `step` of 0 counts as 1.
//! - A negative `step` counts down from the largest value of the series that is at most
//!   `stop` (unless the query asks for `ORDER BY value` ascending).
//! - A NULL argument gives no rows. An argument that is not an integer is an error.
//! - Unlike a port of the C original, values near the ends of the 64-bit range end the series
//!   instead of wrapping around.
//!
//! ```
//! use lite3::vtab::series;
//!
//! let conn = lite3::Connection::open_in_memory()?;
//! series::load_module(&conn)?;
//! let mut stmt = conn.prepare("SELECT value FROM generate_series(0, 20, 5)")?;
//! let values: Vec<i64> = stmt.query_map((), |r| r.get(0))?.collect::<Result<_, _>>()?;
//! assert_eq!(values, [0, 5, 10, 15, 20]);
//! let down: Vec<i64> = conn
//!     .prepare("SELECT value FROM generate_series(1, 10, -4)")?
//!     .query_map((), |r| r.get(0))?
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(down, [9, 5, 1]);
//! # Ok::<(), lite3::Error>(())
//! ```

use super::{
    Context, Filters, IndexConstraintOp, IndexInfo, Module, VTab, VTabConfig, VTabConnection,
    VTabCursor,
};
use crate::{Connection, Result};
use std::borrow::Cow;
use std::ffi::{CStr, c_int};

const MODULE_NAME: &CStr = c"generate_series";

/// Registers `generate_series` on `conn`.
///
/// # Errors
/// SQLite's error.
pub fn load_module(conn: &Connection) -> Result<()> {
    const MODULE: Module<SeriesTab> = Module::eponymous_only_module();
    conn.create_module(MODULE_NAME, &MODULE, None)
}

/// The columns after `value`, hidden: the arguments.
const START: c_int = 1;
const STOP: c_int = 2;
const STEP: c_int = 3;

/// `idx_num` bits: which arguments `filter` gets (in this order), and a consumed `ORDER BY`.
const HAS_START: c_int = 1;
const HAS_STOP: c_int = 2;
const HAS_STEP: c_int = 4;
const DESCENDING: c_int = 8;
const ASCENDING: c_int = 16;

struct SeriesTab;

impl VTab for SeriesTab {
    type Aux = ();
    type Cursor = SeriesCursor;

    fn connect(
        db: &mut VTabConnection,
        _aux: Option<&()>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        // Reading numbers has no side effects: safe in triggers and views of untrusted schemas.
        db.config(VTabConfig::Innocuous)?;
        Ok((
            Cow::Borrowed(c"CREATE TABLE x(value, start HIDDEN, stop HIDDEN, step HIDDEN)"),
            SeriesTab,
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        // For start, stop and step: the constraint giving its value, and whether one could
        // not be used in this plan.
        let mut given: [Option<usize>; 3] = [None; 3];
        let mut unusable = 0;
        for (i, constraint) in info.constraints().enumerate() {
            let column = constraint.column();
            if !(START..=STEP).contains(&column) {
                continue;
            }
            let bit = 1 << (column - START);
            if !constraint.is_usable() {
                unusable |= bit;
            } else if constraint.operator() == IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ {
                given[(column - START) as usize] = Some(i);
            }
        }
        let mut idx_num = 0;
        let mut argv_index = 0;
        for (slot, constraint) in given.iter().enumerate() {
            if let Some(constraint) = *constraint {
                idx_num |= 1 << slot;
                argv_index += 1;
                let mut usage = info.constraint_usage(constraint);
                usage.set_argv_index(argv_index);
                usage.set_omit(true);
            }
        }
        if unusable & !idx_num != 0 {
            // An argument is known only later (a join): this plan cannot be used.
            return Ok(false);
        }
        if idx_num & (HAS_START | HAS_STOP) == HAS_START | HAS_STOP {
            info.set_estimated_cost(if idx_num & HAS_STEP != 0 { 1.0 } else { 2.0 });
            info.set_estimated_rows(1000);
            // Every value is distinct, so ordering by `value` first orders the whole result.
            let by_value = info
                .order_bys()
                .next()
                .filter(|order| order.column() == 0)
                .map(|order| order.is_order_by_desc());
            if let Some(desc) = by_value {
                idx_num |= if desc { DESCENDING } else { ASCENDING };
                info.set_order_by_consumed(true);
            }
        } else {
            // A missing bound means up to four billion rows: steer the planner away.
            info.set_estimated_cost(2_147_483_647.0);
            info.set_estimated_rows(2_147_483_647);
        }
        info.set_idx_num(idx_num);
        Ok(true)
    }

    fn open(&mut self) -> Result<SeriesCursor> {
        Ok(SeriesCursor::default())
    }
}

/// One scan. The arithmetic is in i128, where no series over i64 values can overflow.
#[derive(Default)]
struct SeriesCursor {
    min: i128,
    max: i128,
    /// Positive.
    step: i128,
    /// The `step` column as the query gave it (0 read as 1).
    step_column: i64,
    descending: bool,
    value: i128,
    rowid: i64,
}

impl VTabCursor for SeriesCursor {
    fn filter(&mut self, idx_num: c_int, _idx_str: Option<&str>, args: &Filters<'_>) -> Result<()> {
        let mut next_arg = 0;
        let mut arg = |bit: c_int, default: i64| -> Result<Option<i64>> {
            if idx_num & bit == 0 {
                return Ok(Some(default));
            }
            next_arg += 1;
            args.get::<Option<i64>>(next_arg - 1)
        };
        let start = arg(HAS_START, 0)?;
        let stop = arg(HAS_STOP, 0xffff_ffff)?;
        let step = arg(HAS_STEP, 1)?;
        *self = SeriesCursor::default();
        let (Some(start), Some(stop), Some(step)) = (start, stop, step) else {
            // A NULL argument: no rows.
            self.min = 1;
            self.max = 0;
            return Ok(());
        };
        self.step_column = if step == 0 { 1 } else { step };
        self.step = i128::from(self.step_column).abs();
        self.descending = idx_num & DESCENDING != 0 || (step < 0 && idx_num & ASCENDING == 0);
        (self.min, self.max) = (i128::from(start), i128::from(stop));
        self.value = if self.descending && self.max >= self.min {
            // The last value of the ascending series.
            self.max - (self.max - self.min) % self.step
        } else if self.descending {
            self.min - 1
        } else {
            self.min
        };
        self.rowid = 1;
        Ok(())
    }

    fn next(&mut self) -> Result<()> {
        self.value += if self.descending {
            -self.step
        } else {
            self.step
        };
        self.rowid += 1;
        Ok(())
    }

    fn eof(&self) -> bool {
        self.value < self.min || self.value > self.max
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> Result<()> {
        // Every value stays within [min, max], so it fits in an i64 while not at the end.
        let narrow = |v: i128| i64::try_from(v).unwrap_or_default();
        match i {
            START => ctx.set_result(narrow(self.min)),
            STOP => ctx.set_result(narrow(self.max)),
            STEP => ctx.set_result(self.step_column),
            _ => ctx.set_result(narrow(self.value)),
        }
    }

    fn rowid(&self) -> Result<i64> {
        Ok(self.rowid)
    }
}
