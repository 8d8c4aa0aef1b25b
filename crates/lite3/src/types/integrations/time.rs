//! The `time` crate's dates and times as TEXT in SQLite's time-string formats (rusqlite's `time`
//! feature, same stored forms).

use super::to_sql_failure;
use crate::Result;
use crate::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcDateTime};

// What is written: seconds always, the fraction with as many digits as it needs (at least one).
const DATE: &[BorrowedFormatItem<'_>] = format_description!(version = 2, "[year]-[month]-[day]");
const TIME_WRITTEN: &[BorrowedFormatItem<'_>] =
    format_description!(version = 2, "[hour]:[minute]:[second].[subsecond]");
const DATE_TIME_WRITTEN: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]"
);
const ZONED_WRITTEN: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond][offset_hour sign:mandatory]:[offset_minute]"
);

// What is read: SQLite's time strings, seconds and fraction optional, space or `T`.
const TIME_READ: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
);
const DATE_TIME_READ: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day][first [ ][T]][hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
);
const UTC_READ: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day][first [ ][T]][hour]:[minute][optional [:[second][optional [.[subsecond]]]]][optional [Z]]"
);
const ZONED_READ: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day][first [ ][T]][hour]:[minute][optional [:[second][optional [.[subsecond]]]]][offset_hour sign:mandatory]:[offset_minute]"
);
/// The form older rusqlite versions wrote (`2013-10-07 08:23:12:987 -07:00`), still read.
const LEGACY_READ: &[BorrowedFormatItem<'_>] = format_description!(
    version = 2,
    "[year]-[month]-[day] [hour]:[minute]:[second]:[subsecond] [offset_hour sign:mandatory]:[offset_minute]"
);

fn written(text: std::result::Result<String, time::error::Format>) -> Result<ToSqlOutput<'static>> {
    text.map(ToSqlOutput::from).map_err(to_sql_failure)
}

fn parsed<T>(result: std::result::Result<T, time::error::Parse>) -> FromSqlResult<T> {
    result.map_err(FromSqlError::other)
}

// The types written with one format description and read with another (or the same).
macro_rules! written_and_parsed {
    ($($(#[$doc:meta])* $t:ty: $write:expr, $read:expr;)*) => {$(
        $(#[$doc])*
        impl ToSql for $t {
            fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
                written(self.format($write))
            }
        }

        impl FromSql for $t {
            const EXPECTED: Option<Type> = Some(Type::Text);

            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                parsed(<$t>::parse(value.as_str()?, $read))
            }
        }
    )*};
}

written_and_parsed! {
    /// `YYYY-MM-DD`.
    Date: DATE, DATE;
    /// `HH:MM:SS.f` (`23:56:04.0`); reads `HH:MM` and `HH:MM:SS` too.
    Time: TIME_WRITTEN, TIME_READ;
    /// `YYYY-MM-DD HH:MM:SS.f`; reads a `T` separator and SQLite's shorter forms too.
    ///
    /// ```
    /// use time::macros::datetime;
    /// use time::PrimitiveDateTime;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let t = datetime!(2016-02-23 23:56:04);
    /// assert_eq!(conn.query_row("SELECT ?1", [t], |r| r.get::<_, String>(0))?, "2016-02-23 23:56:04.0");
    /// let back: PrimitiveDateTime = conn.query_row("SELECT datetime(?1)", [t], |r| r.get(0))?;
    /// assert_eq!(back, t);
    /// # Ok::<(), lite3::Error>(())
    /// ```
    PrimitiveDateTime: DATE_TIME_WRITTEN, DATE_TIME_READ;
    /// Written with the reading format's first choices: `YYYY-MM-DD HH:MM:SS.fZ`. Reads what
    /// `OffsetDateTime` reads without an offset (`Z` optional).
    ///
    /// ```
    /// use time::macros::utc_datetime;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let t = utc_datetime!(2016-02-23 23:56:04.5);
    /// let (text, back): (String, time::UtcDateTime) = conn.query_row("SELECT ?1, ?1", [t], |r| Ok((r.get(0)?, r.get(1)?)))?;
    /// assert_eq!((text.as_str(), back), ("2016-02-23 23:56:04.5Z", t));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    UtcDateTime: UTC_READ, UTC_READ;
}

/// `YYYY-MM-DD HH:MM:SS.f±HH:MM`, keeping the offset. Reads a time with an offset, with `Z`, or
/// without either (taken as UTC, so `CURRENT_TIMESTAMP` reads), and an INTEGER as Unix seconds.
///
/// ```
/// use time::macros::datetime;
/// use time::OffsetDateTime;
/// let conn = lite3::Connection::open_in_memory()?;
/// let t = datetime!(2013-10-07 8:23:19.123 +4);
/// let (text, back): (String, OffsetDateTime) = conn.query_row("SELECT ?1, ?1", [t], |r| Ok((r.get(0)?, r.get(1)?)))?;
/// assert_eq!((text.as_str(), back), ("2013-10-07 08:23:19.123+04:00", t));
/// let read = |text: &str| conn.query_row("SELECT ?1", [text], |r| r.get::<_, OffsetDateTime>(0));
/// assert_eq!(read("2013-10-07T04:23:19.123Z")?, t);
/// assert_eq!(read("2013-10-07 04:23:19.123")?, t);
/// assert!(read("2013-10-07 nonsense").is_err());
/// # Ok::<(), lite3::Error>(())
/// ```
impl ToSql for OffsetDateTime {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        written(self.format(ZONED_WRITTEN))
    }
}

impl FromSql for OffsetDateTime {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        if let ValueRef::Integer(seconds) = value {
            return OffsetDateTime::from_unix_timestamp(seconds).map_err(FromSqlError::other);
        }
        let text = value.as_str()?;
        if text.as_bytes().get(23) == Some(&b' ') {
            return parsed(OffsetDateTime::parse(text, LEGACY_READ));
        }
        // An offset's sign comes after the date's own dashes (the first 8 bytes).
        let after_date = text.get(8..).unwrap_or_default();
        if after_date.contains(['+', '-']) {
            return parsed(OffsetDateTime::parse(text, ZONED_READ));
        }
        parsed(PrimitiveDateTime::parse(text, UTC_READ)).map(PrimitiveDateTime::assume_utc)
    }
}
