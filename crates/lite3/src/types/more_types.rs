//! Conversions for `f32`, `[u8; N]`, the owned string types and the `NonZero*` integers, as
//! rusqlite has them.

use super::{FromSql, FromSqlError, FromSqlRef, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use crate::{Error, Result};
use std::borrow::Cow;
use std::num::{
    NonZeroI8, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroIsize, NonZeroU8, NonZeroU16, NonZeroU32,
    NonZeroU64, NonZeroUsize,
};
use std::rc::Rc;
use std::sync::Arc;

/// As `f64`, then narrowed (REAL or INTEGER, rounding as `as f32` does).
impl FromSql for f32 {
    const EXPECTED: Option<Type> = Some(Type::Real);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "rusqlite's conversion: the nearest f32"
        )]
        f64::column_result(value).map(|r| r as f32)
    }
}

/// A BLOB of exactly `N` bytes.
impl<const N: usize> FromSql for [u8; N] {
    const EXPECTED: Option<Type> = Some(Type::Blob);

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let bytes = <&[u8]>::from_sql_ref(value)?;
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
        impl FromSql for $t {
            const EXPECTED: Option<Type> = Some(Type::Text);

            #[inline]
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                <&str>::from_sql_ref(value).map(<$t>::from)
            }
        }
    )*};
}
shared_str!(Box<str> Rc<str> Arc<str>);

// `Box<[u8]>`, `Rc<[u8]>` and `Arc<[u8]>` read as `Vec<u8>` does.
macro_rules! shared_bytes {
    ($($t:ty)*) => {$(
        impl FromSql for $t {
            const EXPECTED: Option<Type> = Some(Type::Blob);

            #[inline]
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                <&[u8]>::from_sql_ref(value).map(<$t>::from)
            }
        }
    )*};
}
shared_bytes!(Box<[u8]> Rc<[u8]> Arc<[u8]>);

/// Always `Cow::Owned`, read as the owned type (`Cow<str>` as `String`).
impl<T: ?Sized + ToOwned> FromSql for Cow<'_, T>
where
    T::Owned: FromSql,
{
    const EXPECTED: Option<Type> = <T::Owned as FromSql>::EXPECTED;

    #[inline]
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        <T::Owned>::column_result(value).map(Cow::Owned)
    }
}

// A `NonZero*` reads like its integer and refuses 0 as out of range; it writes as its integer.
macro_rules! non_zero {
    ($($nz:ty => $int:ty),*) => {$(
        impl FromSql for $nz {
            const EXPECTED: Option<Type> = Some(Type::Integer);

            #[inline]
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let i = <$int>::column_result(value)?;
                <$nz>::new(i).ok_or(FromSqlError::OutOfRange(0))
            }
        }

        impl ToSql for $nz {
            #[inline]
            fn to_sql(&self) -> Result<ToSqlOutput<'_>, Error> {
                Ok(ToSqlOutput::Owned(self.get().to_sql()?.value_ref_or_error()?.to_owned()))
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
        assert_eq!(
            NonZeroU8::column_result(ValueRef::Integer(5))
                .unwrap()
                .get(),
            5
        );
        assert!(matches!(
            NonZeroI64::column_result(ValueRef::Integer(0)),
            Err(FromSqlError::OutOfRange(0))
        ));
        assert!(matches!(
            NonZeroU8::column_result(ValueRef::Integer(300)),
            Err(FromSqlError::OutOfRange(300))
        ));
        assert_eq!(
            &*Arc::<str>::column_result(ValueRef::Text(b"a")).unwrap(),
            "a"
        );
        assert!(Rc::<str>::column_result(ValueRef::Text(b"\xff")).is_err());
        assert_eq!(
            &*Arc::<[u8]>::column_result(ValueRef::Blob(&[1])).unwrap(),
            [1]
        );
        assert_eq!(
            Cow::<str>::column_result(ValueRef::Text(b"c")).unwrap(),
            "c"
        );
        assert_eq!(
            NonZeroU64::new(7).unwrap().to_sql().unwrap().value_ref(),
            Some(ValueRef::Integer(7))
        );
        assert_eq!(f32::column_result(ValueRef::Real(0.5)).unwrap(), 0.5);
        assert_eq!(
            <[u8; 2]>::column_result(ValueRef::Blob(&[1, 2])).unwrap(),
            [1, 2]
        );
        assert!(matches!(
            <[u8; 3]>::column_result(ValueRef::Blob(&[1, 2])),
            Err(FromSqlError::InvalidBlobSize {
                expected_size: 3,
                blob_size: 2
            })
        ));
        // u64 above i64::MAX cannot be written, NonZero or not.
        assert!(NonZeroU64::new(u64::MAX).unwrap().to_sql().is_err());
    }
}
