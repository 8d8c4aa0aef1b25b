//! Conversions between Rust values and SQLite values.
//!
//! [`ToSql`] turns Rust values into parameters; [`FromSql`] reads columns and function arguments.
//! Integers are range-checked both ways (no silent truncation); text and blobs can be read
//! without copying as `&str` and `&[u8]`.
//!
//! | Rust type | written as | read from | refused when reading (error from `Row::get`) |
//! |---|---|---|---|
//! | `i8`, `i16`, `i32`, `i64`, `isize`, `u8`, `u16`, `u32` | INTEGER | INTEGER | another class (`InvalidType`); a value that does not fit (`IntegerOutOfRange`) |
//! | `u64`, `usize`, `i128`, `u128` | INTEGER; above `i64::MAX` (or below `i64::MIN`) is an error, never wrapped | INTEGER | as above (a negative value for the unsigned ones) |
//! | `NonZeroI8` … `NonZeroUsize` | INTEGER | INTEGER | as its integer, and 0 (`IntegerOutOfRange`) |
//! | `bool` | INTEGER 0 or 1 | INTEGER (any non-zero is `true`) | another class |
//! | `f64`, `f32` | REAL | REAL, or INTEGER converted | another class |
//! | `&str`, `String`, `Box<str>`, `Rc<str>`, `Arc<str>` | TEXT | TEXT | another class; bytes that are not UTF-8 (`Utf8`, naming the column) |
//! | `&[u8]`, `Vec<u8>` | BLOB | BLOB, or TEXT's bytes | another class |
//! | `[u8; N]` | BLOB | BLOB or TEXT of exactly `N` bytes | another class; another length (`InvalidBlobSize`) |
//! | `Cow<str>`, `Cow<[u8]>`, `Box<T>`, `Rc<T>`, `Arc<T>`, `&T` | as what they point to | (write only; read the owned type) | — |
//! | `Option<T>` | NULL for `None` | NULL as `None`, anything else as `T` | as `T` |
//! | [`Value`], [`ValueRef`] | as they are | any class | never |
//! | [`Null`] | NULL | — | — |
//!
//! Text and blobs longer than SQLite's length limit are refused before binding
//! (`Error::TooBig`). NULL is never read as 0, "" or `false`: only `Option<T>`, `Value` and
//! `ValueRef` accept it. A REAL is never read as an integer.

mod from_sql;
mod more_types;
mod to_sql;
mod value;
mod value_access;

pub(crate) use from_sql::conversion_error;
pub use from_sql::{FromSql, FromSqlError};
pub use to_sql::{ToSql, ToSqlOutput};
pub use value::{Null, Type, Value, ValueRef};
pub use value_access::FromSqlResult;
