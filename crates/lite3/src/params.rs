//! [`Params`]: the parameters of a statement, as a tuple, an array, a slice or named pairs.

use crate::Result;
use crate::binder::Binder;
use crate::types::ToSql;
use std::cell::RefCell;

mod sealed {
    pub trait Sealed {}
}

/// Parameters for a statement: `()` or `[]` for none, a tuple `(a, b)`, `params![a, b]`, an
/// array of one type `[1, 2]` (up to 32), an array or slice of `&dyn ToSql`, named pairs from
/// `named_params!{":a": a}`, or [`params_from_iter`].
///
/// The count must match the statement's (positional), and every name must exist (named):
/// a mismatch is an error before anything runs.
///
/// ```
/// use lite3::{Connection, named_params, params};
///
/// let conn = Connection::open_in_memory()?;
/// conn.execute("CREATE TABLE t(a, b)", ())?;
/// conn.execute("INSERT INTO t VALUES (?1, ?2)", (1, "one"))?;
/// conn.execute("INSERT INTO t VALUES (?1, ?2)", params![2, "two"])?;
/// conn.execute("INSERT INTO t VALUES (:a, :b)", named_params! {":a": 3, ":b": "three"})?;
/// let err = conn.execute("INSERT INTO t VALUES (?1, ?2)", (4,)).unwrap_err();
/// assert_eq!(err.to_string(), "the statement has 2 parameter(s) but 1 were given");
/// # Ok::<(), lite3::Error>(())
/// ```
pub trait Params: sealed::Sealed {
    /// Hands every parameter to `binder`, which checks the count and binds them.
    #[doc(hidden)]
    fn __bind(&self, binder: &mut Binder<'_>) -> Result<()>;

    /// Whether a successful `__bind` binds every parameter of the statement (positional
    /// parameters, whose count is checked), so that nothing from an earlier run stays bound.
    /// False unless an implementation knows better: then earlier bindings are cleared first.
    #[doc(hidden)]
    const __BINDS_ALL: bool = false;
}

impl sealed::Sealed for () {}
impl Params for () {
    const __BINDS_ALL: bool = true;
    #[inline]
    fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
        binder.check_count(0)
    }
}

macro_rules! tuple_params {
    ($count:literal: $($field:tt $t:ident),+) => {
        impl<$($t: ToSql),+> sealed::Sealed for ($($t,)+) {}
        impl<$($t: ToSql),+> Params for ($($t,)+) {
            const __BINDS_ALL: bool = true;
            #[inline]
            fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
                binder.check_count($count)?;
                $( binder.bind($field + 1, &self.$field)?; )+
                Ok(())
            }
        }
    };
}
tuple_params!(1: 0 A);
tuple_params!(2: 0 A, 1 B);
tuple_params!(3: 0 A, 1 B, 2 C);
tuple_params!(4: 0 A, 1 B, 2 C, 3 D);
tuple_params!(5: 0 A, 1 B, 2 C, 3 D, 4 E);
tuple_params!(6: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
tuple_params!(7: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
tuple_params!(8: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
tuple_params!(9: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
tuple_params!(10: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);
tuple_params!(11: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K);
tuple_params!(12: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L);
tuple_params!(13: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M);
tuple_params!(14: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N);
tuple_params!(15: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O);
tuple_params!(16: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O, 15 P);

fn bind_positional<T: ToSql>(binder: &mut Binder<'_>, values: &[T]) -> Result<()> {
    binder.check_count(values.len())?;
    for (i, value) in values.iter().enumerate() {
        binder.bind(i + 1, value)?;
    }
    Ok(())
}

impl sealed::Sealed for &[&dyn ToSql] {}
impl Params for &[&dyn ToSql] {
    const __BINDS_ALL: bool = true;
    fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
        bind_positional(binder, self)
    }
}

// `[]`: the one array impl of length 0, so that the empty literal needs no type annotation
// (rusqlite's shape). Arrays of one type, `[1, 2]` or `[&a as &dyn ToSql, &b]`, and references
// to arrays of references are implemented for each length up to 32 for the same reason.
impl sealed::Sealed for [&(dyn ToSql + Send + Sync); 0] {}
impl Params for [&(dyn ToSql + Send + Sync); 0] {
    const __BINDS_ALL: bool = true;
    #[inline]
    fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
        binder.check_count(0)
    }
}

macro_rules! array_params {
    ($($n:literal)+) => {$(
        impl<T: ToSql> sealed::Sealed for [T; $n] {}
        impl<T: ToSql> Params for [T; $n] {
            const __BINDS_ALL: bool = true;
            #[inline]
            fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
                bind_positional(binder, self)
            }
        }
        impl<T: ToSql + ?Sized> sealed::Sealed for &[&T; $n] {}
        impl<T: ToSql + ?Sized> Params for &[&T; $n] {
            const __BINDS_ALL: bool = true;
            #[inline]
            fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
                bind_positional(binder, *self)
            }
        }
    )+};
}
array_params!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32);

fn bind_named<T: ToSql + ?Sized>(binder: &mut Binder<'_>, pairs: &[(&str, &T)]) -> Result<()> {
    binder.check_count(pairs.len())?;
    for (name, value) in pairs {
        let index = binder.index_of(name)?;
        binder.bind(index, value)?;
    }
    Ok(())
}

impl sealed::Sealed for &[(&str, &dyn ToSql)] {}
impl Params for &[(&str, &dyn ToSql)] {
    fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
        bind_named(binder, self)
    }
}

impl<T: ToSql + ?Sized, const N: usize> sealed::Sealed for &[(&str, &T); N] {}
impl<T: ToSql + ?Sized, const N: usize> Params for &[(&str, &T); N] {
    fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
        bind_named(binder, *self)
    }
}

/// Positional parameters from an iterator, for a count known only at run time.
///
/// ```
/// use lite3::{Connection, params_from_iter};
///
/// let conn = Connection::open_in_memory()?;
/// let ids = [1, 2, 3];
/// let sql = format!("SELECT {}", vec!["?"; ids.len()].join(" + "));
/// let sum: i64 = conn.query_row(&sql, params_from_iter(ids), |row| row.get(0))?;
/// assert_eq!(sum, 6);
/// # Ok::<(), lite3::Error>(())
/// ```
#[must_use]
pub fn params_from_iter<I>(iter: I) -> ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    ParamsFromIter(RefCell::new(Some(iter)))
}

/// See [`params_from_iter`]. Binds once: the iterator is used up by the first statement run.
#[derive(Debug)]
pub struct ParamsFromIter<I>(RefCell<Option<I>>);

impl<I> sealed::Sealed for ParamsFromIter<I> {}
impl<I> Params for ParamsFromIter<I>
where
    I: IntoIterator,
    I::Item: ToSql,
{
    const __BINDS_ALL: bool = true;
    fn __bind(&self, binder: &mut Binder<'_>) -> Result<()> {
        let iter = self.0.borrow_mut().take().into_iter().flatten();
        let mut given = 0;
        for (i, value) in iter.enumerate() {
            given = i + 1;
            if given <= binder.parameter_count() {
                // The items are dropped as the loop goes on: SQLite must copy them.
                binder.bind_copy(given, &value)?;
            }
        }
        binder.check_count(given)
    }
}

/// Positional parameters of mixed types: `params![1, "two", 3.0]`.
///
/// ```
/// use lite3::{Connection, params};
///
/// let conn = Connection::open_in_memory()?;
/// let s: String = conn.query_row("SELECT ?1 || ?2", params!["a", 1], |row| row.get(0))?;
/// assert_eq!(s, "a1");
/// # Ok::<(), lite3::Error>(())
/// ```
#[macro_export]
macro_rules! params {
    () => { &[] as &[&dyn $crate::ToSql] };
    ($($value:expr),+ $(,)?) => { &[$(&$value as &dyn $crate::ToSql),+] as &[&dyn $crate::ToSql] };
}

/// Named parameters: `named_params! {":id": 1, "@name": "x"}` (names include their prefix).
///
/// ```
/// use lite3::{Connection, named_params};
///
/// let conn = Connection::open_in_memory()?;
/// let n: i64 = conn.query_row("SELECT :a * $b", named_params! {":a": 6, "$b": 7}, |row| row.get(0))?;
/// assert_eq!(n, 42);
/// # Ok::<(), lite3::Error>(())
/// ```
#[macro_export]
macro_rules! named_params {
    () => { &[] as &[(&str, &dyn $crate::ToSql)] };
    ($($name:literal : $value:expr),+ $(,)?) => {
        &[$(($name, &$value as &dyn $crate::ToSql)),+] as &[(&str, &dyn $crate::ToSql)]
    };
}
