//! Conversions between Rust values and SQLite values.
//!
//! [`ToSql`] turns Rust values into parameters; [`FromSql`] reads columns and function arguments.
//! Integers are range-checked both ways (no silent truncation); text and blobs can be read
//! without copying as `&str` and `&[u8]`.

mod from_sql;
mod to_sql;
mod value;
mod value_access;

pub(crate) use from_sql::conversion_error;
pub use from_sql::{FromSql, FromSqlError};
pub use to_sql::{ToSql, ToSqlOutput};
pub use value::{Null, Type, Value, ValueRef};
pub use value_access::FromSqlResult;
