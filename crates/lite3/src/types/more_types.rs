//! Conversions for `f32`, `[u8; N]`, the owned string types and the `NonZero*` integers, as
//! rusqlite has them.

use super::{FromSql, FromSqlError, ToSql, ToSqlOutput, Type, ValueRef};
use crate::{Error, Result};
use std::num::{
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroIsize, NonZeroU8, NonZeroU16, NonZeroU32,
    NonZeroU64, NonZeroUsize,
};
use std::rc::Rc;
use std::sync::Arc;

/// As `f64`, then narrowed (REAL or INTEGER, rounding as `as f32` does).
impl FromSql<'_> for f32 {
    const EXPECTED: Option<Type> = Some(Type::Real);

    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "rusqlite's conversion: the nearest f32"
        )]
        f64::from_sql(value).map(|r| r as f32)
    }
}

/// A BLOB of exactly `N` bytes.
impl<const N: usize> FromSql<'_> for [u8; N] {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        let bytes = <&[u8]>::from_sql(value)?;
        bytes.try_into().map_err(|_| FromSqlError::InvalidBlobSize {
            expected_size: N,
            blob_size: bytes.len(),
        })
    }
}

// `Box<str>`, `Rc<str>` and `Arc<str>` read TEXT as `String` does (valid UTF-8 only); writing
// them goes through `str` (see `forward_through_deref` in to_sql.rs).
macro_rules! shared_str {
    ($($t:ty)*) => {$(
        impl FromSql<'_> for $t {
            const EXPECTED: Option<Type> = Some(Type::Text);

            #[inline]
            fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
                <&str>::from_sql(value).map(<$t>::from)
            }
        }
    )*};
}
shared_str!(Box<str> Rc<str> Arc<str>);

// A `NonZero*` reads like its integer and refuses 0 as out of range; it writes as its integer.
macro_rules! non_zero {
    ($($nz:ty => $int:ty),*) => {$(
        impl FromSql<'_> for $nz {
            const EXPECTED: Option<Type> = Some(Type::Integer);

            #[inline]
            fn from_sql(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
                let i = <$int>::from_sql(value)?;
                <$nz>::new(i).ok_or(FromSqlError::OutOfRange(0))
            }
        }

        impl ToSql for $nz {
            #[inline]
            fn to_sql(&self) -> Result<ToSqlOutput<'_>, Error> {
                Ok(ToSqlOutput::Owned(self.get().to_sql()?.value_ref().to_owned()))
            }
        }
    )*};
}
non_zero!(
    NonZeroI8 => i8, NonZeroI16 => i16, NonZeroI32 => i32, NonZeroI64 => i64,
    NonZeroIsize => isize, NonZeroU8 => u8, NonZeroU16 => u16, NonZeroU32 => u32,
    NonZeroU64 => u64, NonZeroUsize => usize
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_zero_refuses_zero_and_shared_strings_read_text() {
        assert_eq!(NonZeroU8::from_sql(ValueRef::Integer(5)).unwrap().get(), 5);
        assert!(matches!(
            NonZeroI64::from_sql(ValueRef::Integer(0)),
            Err(FromSqlError::OutOfRange(0))
        ));
        assert!(matches!(
            NonZeroU8::from_sql(ValueRef::Integer(300)),
            Err(FromSqlError::OutOfRange(300))
        ));
        assert_eq!(&*Arc::<str>::from_sql(ValueRef::Text(b"a")).unwrap(), "a");
        assert!(Rc::<str>::from_sql(ValueRef::Text(b"\xff")).is_err());
        assert_eq!(
            NonZeroU64::new(7).unwrap().to_sql().unwrap().value_ref(),
            ValueRef::Integer(7)
        );
        assert_eq!(f32::from_sql(ValueRef::Real(0.5)).unwrap(), 0.5);
        assert_eq!(
            <[u8; 2]>::from_sql(ValueRef::Blob(&[1, 2])).unwrap(),
            [1, 2]
        );
        assert!(matches!(
            <[u8; 3]>::from_sql(ValueRef::Blob(&[1, 2])),
            Err(FromSqlError::InvalidBlobSize {
                expected_size: 3,
                blob_size: 2
            })
        ));
        // u64 above i64::MAX cannot be written, NonZero or not.
        assert!(NonZeroU64::new(u64::MAX).unwrap().to_sql().is_err());
    }
}
