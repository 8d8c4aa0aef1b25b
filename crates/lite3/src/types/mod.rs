//! Conversions between Rust values and SQLite values.
//!
//! [`ToSql`] turns Rust values into parameters; [`FromSql`] (rusqlite's trait) reads columns and
//! function arguments, and [`FromSqlRef`] adds the types that borrow from the row.
//! Integers are range-checked both ways (no silent truncation); text and blobs can be read
//! without copying as `&str` and `&[u8]`.
//!
//! | Rust type | written as | read from | refused when reading (error from `Row::get`) |
//! |---|---|---|---|
//! | `i8`, `i16`, `i32`, `i64`, `isize`, `u8`, `u16`, `u32` | INTEGER | INTEGER | another class (`InvalidType`); a value that does not fit (`IntegerOutOfRange`) |
//! | `u64`, `usize`, `i128`, `u128` | INTEGER; above `i64::MAX` (or below `i64::MIN`) is an error, never wrapped (`i128` with the `i128_blob` feature: a 16-byte BLOB, see below) | INTEGER | as above (a negative value for the unsigned ones) |
//! | `NonZeroI8` … `NonZeroUsize` | INTEGER | INTEGER | as its integer, and 0 (`IntegerOutOfRange`) |
//! | `bool` | INTEGER 0 or 1 | INTEGER (any non-zero is `true`) | another class |
//! | `f64`, `f32` | REAL | REAL, or INTEGER converted | another class |
//! | `&str`, `String`, `Box<str>`, `Rc<str>`, `Arc<str>` | TEXT | TEXT | another class; bytes that are not UTF-8 (`Utf8`, naming the column) |
//! | `&[u8]`, `Vec<u8>`, `Box<[u8]>`, `Rc<[u8]>`, `Arc<[u8]>` | BLOB | BLOB, or TEXT's bytes | another class |
//! | `[u8; N]` | BLOB | BLOB or TEXT of exactly `N` bytes | another class; another length (`InvalidBlobSize`) |
//! | `Cow<str>`, `Cow<[u8]>` | as what they point to | as the owned type, into `Cow::Owned` | as the owned type |
//! | `Box<T>`, `Rc<T>`, `Arc<T>`, `&T` | as what they point to | (write only; read the owned type) | — |
//! | `Option<T>` | NULL for `None` | NULL as `None`, anything else as `T` | as `T` |
//! | [`Value`] | as it is | any class | TEXT that is not UTF-8 (`Utf8`) |
//! | [`ValueRef`] | as it is | any class | never |
//! | [`Null`] | NULL | — | — |
//!
//! Text and blobs longer than SQLite's length limit are refused before binding
//! (`Error::TooBig`). NULL is never read as 0, "" or `false`: only `Option<T>`, `Value` and
//! `ValueRef` accept it. A REAL is never read as an integer.
//!
//! Other crates' types (chrono, time, jiff, uuid, url, serde_json) convert behind rusqlite's
//! feature names and in rusqlite's stored formats:
//!
#![doc = include_str!("integrations/formats.md")]

mod from_sql;
mod integrations;
mod more_types;
mod to_sql;
mod value;
mod value_access;

pub(crate) use from_sql::conversion_error;
pub use from_sql::{FromSql, FromSqlError, FromSqlRef};
pub use to_sql::{Pointer, ToSql, ToSqlOutput};
pub use value::{Null, Type, Value, ValueRef};
pub use value_access::FromSqlResult;
