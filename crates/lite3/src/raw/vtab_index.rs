//! What `xBestIndex` reads and answers: the constraints and `ORDER BY` of one query plan, and
//! the plan the table chooses (<https://sqlite.org/c3ref/index_info.html>).

use crate::types::ValueRef;
use crate::vtab::{DistinctMode, IndexConstraintOp, IndexFlags};
use crate::{Error, Result, ffi};
use std::ffi::{CStr, c_int};

/// One query plan SQLite asks [`VTab::best_index`](crate::vtab::VTab::best_index) about
/// (rusqlite's `IndexInfo`). Valid for that call only.
///
/// ```
/// use lite3::vtab::{IndexConstraintOp, IndexInfo};
///
/// // The usual shape of a best_index: take each usable `column = ?` constraint as an argument
/// // of filter, in order, and let SQLite skip re-checking it.
/// fn take_equalities(info: &mut IndexInfo) {
///     let mut next_arg = 0;
///     for (constraint, mut usage) in info.constraints_and_usages() {
///         if constraint.is_usable()
///             && constraint.operator() == IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ
///         {
///             next_arg += 1;
///             usage.set_argv_index(next_arg);
///             usage.set_omit(true);
///         }
///     }
///     info.set_estimated_cost(if next_arg > 0 { 1.0 } else { 1e6 });
/// }
/// ```
#[derive(Debug)]
pub struct IndexInfo(*mut ffi::sqlite3_index_info);

impl IndexInfo {
    /// # Safety
    /// `info` is the live `sqlite3_index_info` of the running `xBestIndex` call.
    pub(crate) unsafe fn new(info: *mut ffi::sqlite3_index_info) -> Self {
        IndexInfo(info)
    }

    fn info(&self) -> &ffi::sqlite3_index_info {
        // SAFETY: the pointer is live for the xBestIndex call this value is lent to.
        unsafe { &*self.0 }
    }

    fn info_mut(&mut self) -> &mut ffi::sqlite3_index_info {
        // SAFETY: as in `info`; SQLite does not touch the struct while the method runs.
        unsafe { &mut *self.0 }
    }

    fn constraint_slice(&self) -> &[ffi::sqlite3_index_info_sqlite3_index_constraint] {
        let info = self.info();
        // SAFETY: SQLite passes `nConstraint` constraints at `aConstraint`, read-only.
        unsafe { slice(info.aConstraint, info.nConstraint) }
    }

    /// The constraints of the `WHERE` clause on this table, usable or not.
    #[must_use]
    pub fn constraints(&self) -> IndexConstraintIter<'_> {
        IndexConstraintIter(self.constraint_slice().iter())
    }

    /// Each constraint with where the plan says what to do with it.
    pub fn constraints_and_usages(&mut self) -> IndexConstraintAndUsageIter<'_> {
        let info = self.info_mut();
        // SAFETY: SQLite passes `nConstraint` constraints (read-only) and as many usages (ours
        // to write) in two separate arrays.
        let (constraints, usages) = unsafe {
            (
                slice(info.aConstraint, info.nConstraint),
                slice_mut(info.aConstraintUsage, info.nConstraint),
            )
        };
        IndexConstraintAndUsageIter(constraints.iter().zip(usages.iter_mut()))
    }

    /// The terms of the `ORDER BY` clause, when SQLite could use the table's order.
    #[must_use]
    pub fn order_bys(&self) -> OrderByIter<'_> {
        let info = self.info();
        // SAFETY: SQLite passes `nOrderBy` terms at `aOrderBy`, read-only.
        OrderByIter(unsafe { slice(info.aOrderBy, info.nOrderBy) }.iter())
    }

    /// How many `ORDER BY` terms there are.
    #[must_use]
    pub fn num_of_order_by(&self) -> usize {
        usize::try_from(self.info().nOrderBy).unwrap_or(0)
    }

    /// Where the plan says what to do with constraint `constraint_idx`.
    ///
    /// # Panics
    /// When there is no such constraint.
    #[track_caller]
    pub fn constraint_usage(&mut self, constraint_idx: usize) -> IndexConstraintUsage<'_> {
        let info = self.info_mut();
        // SAFETY: as in `constraints_and_usages`.
        let usages = unsafe { slice_mut(info.aConstraintUsage, info.nConstraint) };
        IndexConstraintUsage(&mut usages[constraint_idx])
    }

    /// A number [`filter`](crate::vtab::VTabCursor::filter) gets to tell the plans apart.
    pub fn set_idx_num(&mut self, idx_num: c_int) {
        self.info_mut().idxNum = idx_num;
    }

    /// A string `filter` gets to tell the plans apart (copied; a NUL byte ends it).
    pub fn set_idx_str(&mut self, idx_str: &str) {
        let copy = super::vtab::sqlite_string(idx_str);
        self.replace_idx_str(copy, true);
    }

    /// As [`set_idx_str`](Self::set_idx_str), for a static string (not copied).
    pub fn set_idx_cstr(&mut self, idx_str: &'static CStr) {
        self.replace_idx_str(idx_str.as_ptr().cast_mut(), false);
    }

    fn replace_idx_str(&mut self, idx_str: *mut std::ffi::c_char, owned: bool) {
        let info = self.info_mut();
        if info.needToFreeIdxStr != 0 {
            // SAFETY: a string this type set earlier with sqlite3_malloc, not yet handed over.
            unsafe { ffi::sqlite3_free(info.idxStr.cast()) };
        }
        info.idxStr = idx_str;
        info.needToFreeIdxStr = c_int::from(owned && !idx_str.is_null());
    }

    /// Whether the rows come in the `ORDER BY` order, so SQLite need not sort them.
    pub fn set_order_by_consumed(&mut self, order_by_consumed: bool) {
        self.info_mut().orderByConsumed = c_int::from(order_by_consumed);
    }

    /// The plan's cost: about the number of disk reads.
    pub fn set_estimated_cost(&mut self, estimated_cost: f64) {
        self.info_mut().estimatedCost = estimated_cost;
    }

    /// How many rows the plan returns.
    pub fn set_estimated_rows(&mut self, estimated_rows: i64) {
        self.info_mut().estimatedRows = estimated_rows;
    }

    /// Facts about the plan.
    pub fn set_idx_flags(&mut self, flags: IndexFlags) {
        self.info_mut().idxFlags = flags.bits();
    }

    /// The columns the statement reads: bit N for column N, bit 63 for every column from 63 on.
    #[must_use]
    pub fn col_used(&self) -> u64 {
        self.info().colUsed
    }

    fn check(&self, constraint_idx: usize) -> Result<c_int> {
        c_int::try_from(constraint_idx)
            .ok()
            .filter(|&i| i < self.info().nConstraint)
            .ok_or_else(|| Error::ModuleError(format!("there is no constraint {constraint_idx}")))
    }

    /// The collation SQLite compares constraint `constraint_idx` with (e.g. `"BINARY"`).
    ///
    /// # Errors
    /// [`Error::ModuleError`] when there is no such constraint.
    pub fn collation(&self, constraint_idx: usize) -> Result<&str> {
        let i = self.check(constraint_idx)?;
        // SAFETY: the info is live and `i` in range; the name lives for the xBestIndex call.
        let name = unsafe { super::optional_str(ffi::sqlite3_vtab_collation(self.0, i)) };
        Ok(name.unwrap_or("BINARY"))
    }

    /// How SQLite uses the order of the rows (`DISTINCT`, `GROUP BY`, `ORDER BY`).
    #[must_use]
    pub fn distinct(&self) -> DistinctMode {
        // SAFETY: the info is live.
        match unsafe { ffi::sqlite3_vtab_distinct(self.0) } {
            1 => DistinctMode::Grouped,
            2 => DistinctMode::Distinct,
            3 => DistinctMode::DistinctOrdered,
            _ => DistinctMode::Ordered,
        }
    }

    /// The right-hand value of constraint `constraint_idx`, when SQLite knows it while
    /// planning (a literal); `None` otherwise.
    ///
    /// # Errors
    /// [`Error::ModuleError`] when there is no such constraint; out of memory.
    pub fn rhs_value(&self, constraint_idx: usize) -> Result<Option<ValueRef<'_>>> {
        let i = self.check(constraint_idx)?;
        let mut value = std::ptr::null_mut();
        // SAFETY: the info is live, `i` in range, `value` writable.
        match unsafe { ffi::sqlite3_vtab_rhs_value(self.0, i, &mut value) } {
            // SAFETY: SQLite's value lives for the xBestIndex call.
            ffi::SQLITE_OK => unsafe { super::value_ref(value) }
                .map(Some)
                .map_err(|f| f.into_error(&format!("constraint {constraint_idx}"))),
            ffi::SQLITE_NOTFOUND => Ok(None),
            rc => Err(Error::Sqlite(super::error::from_code(rc))),
        }
    }

    /// Whether constraint `constraint_idx` is an `IN (…)` that
    /// [`set_in_constraint`](Self::set_in_constraint) can hand over whole.
    ///
    /// # Errors
    /// [`Error::ModuleError`] when there is no such constraint.
    pub fn is_in_constraint(&self, constraint_idx: usize) -> Result<bool> {
        let i = self.check(constraint_idx)?;
        // SAFETY: the info is live and `i` in range; -1 only asks.
        Ok(unsafe { ffi::sqlite3_vtab_in(self.0, i, -1) } != 0)
    }

    /// Asks for the `IN (…)` constraint `constraint_idx` whole: `filter` then gets its values
    /// with [`Filters::in_values`](crate::vtab::Filters::in_values), all at once, instead of
    /// one `filter` call per value. Returns whether SQLite agreed.
    ///
    /// # Errors
    /// [`Error::ModuleError`] when there is no such constraint.
    pub fn set_in_constraint(&mut self, constraint_idx: usize, filter_all: bool) -> Result<bool> {
        let i = self.check(constraint_idx)?;
        // SAFETY: the info is live and `i` in range.
        Ok(unsafe { ffi::sqlite3_vtab_in(self.0, i, c_int::from(filter_all)) } != 0)
    }
}

/// # Safety
/// `ptr` holds `len` values valid and unchanged for `'a` (or `len` is 0).
unsafe fn slice<'a, T>(ptr: *const T, len: c_int) -> &'a [T] {
    match usize::try_from(len) {
        // SAFETY: guaranteed by the caller.
        Ok(len) if len > 0 && !ptr.is_null() => unsafe { std::slice::from_raw_parts(ptr, len) },
        _ => &[],
    }
}

/// # Safety
/// As [`slice`], and nothing else reads or writes them for `'a`.
unsafe fn slice_mut<'a, T>(ptr: *mut T, len: c_int) -> &'a mut [T] {
    match usize::try_from(len) {
        // SAFETY: guaranteed by the caller.
        Ok(len) if len > 0 && !ptr.is_null() => unsafe { std::slice::from_raw_parts_mut(ptr, len) },
        _ => &mut [],
    }
}

/// One constraint of the `WHERE` clause: `column operator value`.
#[derive(Debug)]
pub struct IndexConstraint<'a>(&'a ffi::sqlite3_index_info_sqlite3_index_constraint);

impl IndexConstraint<'_> {
    /// The constrained column (-1 for the rowid).
    #[must_use]
    pub fn column(&self) -> c_int {
        self.0.iColumn
    }

    /// The operator.
    #[must_use]
    pub fn operator(&self) -> IndexConstraintOp {
        IndexConstraintOp::from(self.0.op)
    }

    /// Whether this plan may use the constraint (its value is known before the scan).
    #[must_use]
    pub fn is_usable(&self) -> bool {
        self.0.usable != 0
    }
}

/// What the plan does with one constraint.
#[derive(Debug)]
pub struct IndexConstraintUsage<'a>(&'a mut ffi::sqlite3_index_info_sqlite3_index_constraint_usage);

impl IndexConstraintUsage<'_> {
    /// Passes the constraint's value to `filter` as argument `argv_index - 1` (0: not passed).
    pub fn set_argv_index(&mut self, argv_index: c_int) {
        self.0.argvIndex = argv_index;
    }

    /// Whether SQLite may skip checking the constraint itself, because the scan honours it.
    pub fn set_omit(&mut self, omit: bool) {
        self.0.omit = u8::from(omit);
    }
}

/// One term of the `ORDER BY` clause.
#[derive(Debug)]
pub struct OrderBy<'a>(&'a ffi::sqlite3_index_info_sqlite3_index_orderby);

impl OrderBy<'_> {
    /// The column.
    #[must_use]
    pub fn column(&self) -> c_int {
        self.0.iColumn
    }

    /// Whether it is `DESC`.
    #[must_use]
    pub fn is_order_by_desc(&self) -> bool {
        self.0.desc != 0
    }
}

/// The constraints of an [`IndexInfo`].
#[derive(Debug)]
pub struct IndexConstraintIter<'a>(
    std::slice::Iter<'a, ffi::sqlite3_index_info_sqlite3_index_constraint>,
);

impl<'a> Iterator for IndexConstraintIter<'a> {
    type Item = IndexConstraint<'a>;

    fn next(&mut self) -> Option<IndexConstraint<'a>> {
        self.0.next().map(IndexConstraint)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// The constraints of an [`IndexInfo`] with their usages.
#[derive(Debug)]
pub struct IndexConstraintAndUsageIter<'a>(
    std::iter::Zip<
        std::slice::Iter<'a, ffi::sqlite3_index_info_sqlite3_index_constraint>,
        std::slice::IterMut<'a, ffi::sqlite3_index_info_sqlite3_index_constraint_usage>,
    >,
);

impl<'a> Iterator for IndexConstraintAndUsageIter<'a> {
    type Item = (IndexConstraint<'a>, IndexConstraintUsage<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0
            .next()
            .map(|(c, u)| (IndexConstraint(c), IndexConstraintUsage(u)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// The `ORDER BY` terms of an [`IndexInfo`].
#[derive(Debug)]
pub struct OrderByIter<'a>(std::slice::Iter<'a, ffi::sqlite3_index_info_sqlite3_index_orderby>);

impl<'a> Iterator for OrderByIter<'a> {
    type Item = OrderBy<'a>;

    fn next(&mut self) -> Option<OrderBy<'a>> {
        self.0.next().map(OrderBy)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
