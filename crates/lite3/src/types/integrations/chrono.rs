//! chrono's dates and times as TEXT in SQLite's time-string formats (rusqlite's `chrono`
//! feature, same stored forms).

use crate::Result;
use crate::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// `2016-02-23 23:56:04.789+00:00`: what every zoned `DateTime` is written as.
const ZONED: &str = "%F %T%.f%:z";

/// Reads TEXT with `parse`, turning its failure into a conversion error.
fn parse_text<T>(
    value: ValueRef<'_>,
    parse: impl FnOnce(&str) -> chrono::ParseResult<T>,
) -> FromSqlResult<T> {
    parse(value.as_str()?).map_err(FromSqlError::other)
}

/// Whether a date-time text separates date and time with `T` (ISO 8601) rather than a space.
fn t_separated(text: &str) -> bool {
    text.as_bytes().get(10) == Some(&b'T')
}

// Each written as its format renders it.
macro_rules! formatted {
    ($($(#[$doc:meta])* $t:ty: $format:expr;)*) => {$(
        $(#[$doc])*
        impl ToSql for $t {
            #[inline]
            fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.format($format).to_string()))
            }
        }
    )*};
}

formatted! {
    /// `YYYY-MM-DD`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let day = NaiveDate::from_ymd_opt(2016, 2, 23).unwrap();
    /// let (text, back): (String, NaiveDate) = conn.query_row("SELECT ?1, ?1", [day], |r| Ok((r.get(0)?, r.get(1)?)))?;
    /// assert_eq!((text.as_str(), back), ("2016-02-23", day));
    /// assert_eq!(conn.query_row("SELECT date('2016-02-23', '+1 day')", [], |r| r.get::<_, NaiveDate>(0))?, day.succ_opt().unwrap());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    NaiveDate: "%F";
    /// `HH:MM:SS` with a fraction when there is one (`23:56:04.789`); reads `HH:MM` too.
    NaiveTime: "%T%.f";
    /// `YYYY-MM-DD HH:MM:SS[.fff]`; reads a `T` separator too (SQLite's `datetime()` and
    /// `CURRENT_TIMESTAMP` give the space form).
    ///
    /// ```
    /// use chrono::NaiveDateTime;
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let t: NaiveDateTime = conn.query_row("SELECT '2016-02-23T23:56:04.5'", [], |r| r.get(0))?;
    /// assert_eq!(conn.query_row("SELECT ?1", [t], |r| r.get::<_, String>(0))?, "2016-02-23 23:56:04.500");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    NaiveDateTime: "%F %T%.f";
    /// `YYYY-MM-DD HH:MM:SS[.fff]+00:00`.
    DateTime<Utc>: ZONED;
    /// `YYYY-MM-DD HH:MM:SS[.fff]±HH:MM`, keeping the offset.
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// let conn = lite3::Connection::open_in_memory()?;
    /// let t = DateTime::parse_from_rfc3339("2020-04-07T11:23:45+04:00").unwrap();
    /// let (text, back): (String, DateTime<FixedOffset>) = conn.query_row("SELECT ?1, ?1", [t], |r| Ok((r.get(0)?, r.get(1)?)))?;
    /// assert_eq!(text, "2020-04-07 11:23:45+04:00");
    /// assert_eq!((back, back.offset()), (t, t.offset()));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    DateTime<FixedOffset>: ZONED;
}

impl FromSql for NaiveDate {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, |s| NaiveDate::parse_from_str(s, "%F"))
    }
}

impl FromSql for NaiveTime {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, |s| {
            let format = match s.len() {
                5 => "%H:%M",
                8 => "%T",
                _ => "%T%.f",
            };
            NaiveTime::parse_from_str(s, format)
        })
    }
}

impl FromSql for NaiveDateTime {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, |s| {
            let format = if t_separated(s) {
                "%FT%T%.f"
            } else {
                "%F %T%.f"
            };
            NaiveDateTime::parse_from_str(s, format)
        })
    }
}

/// Stored in UTC (`…+00:00`), like `DateTime<Utc>`: the local zone is not kept.
impl ToSql for DateTime<Local> {
    #[inline]
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(
            self.with_timezone(&Utc).format(ZONED).to_string(),
        ))
    }
}

/// A time with an offset (`+04:00`, `Z`, `+0000`; space or `T`), converted to UTC; a time
/// without one is taken as UTC (so `CURRENT_TIMESTAMP` reads); an INTEGER is Unix seconds
/// (`unixepoch()`).
///
/// ```
/// use chrono::{DateTime, TimeZone, Utc};
/// let conn = lite3::Connection::open_in_memory()?;
/// let read = |text: &str| conn.query_row("SELECT ?1", [text], |r| r.get::<_, DateTime<Utc>>(0));
/// let noon = Utc.with_ymd_and_hms(2016, 2, 23, 12, 0, 0).unwrap();
/// assert_eq!(read("2016-02-23 12:00:00+00:00")?, noon);
/// assert_eq!(read("2016-02-23T14:00:00+02:00")?, noon);
/// assert_eq!(read("2016-02-23 12:00:00")?, noon);
/// assert!(read("noon").is_err());
/// let from_unix: DateTime<Utc> = conn.query_row("SELECT unixepoch('2016-02-23 12:00:00')", [], |r| r.get(0))?;
/// assert_eq!(from_unix, noon);
/// # Ok::<(), lite3::Error>(())
/// ```
impl FromSql for DateTime<Utc> {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        if let ValueRef::Integer(seconds) = value {
            return DateTime::from_timestamp(seconds, 0).ok_or(FromSqlError::OutOfRange(seconds));
        }
        let text = value.as_str()?;
        let format = if t_separated(text) {
            "%FT%T%.f%#z"
        } else {
            "%F %T%.f%#z"
        };
        if let Ok(zoned) = DateTime::parse_from_str(text, format) {
            return Ok(zoned.with_timezone(&Utc));
        }
        NaiveDateTime::column_result(value).map(|naive| Utc.from_utc_datetime(&naive))
    }
}

/// As `DateTime<Utc>`, then shown in the local zone.
impl FromSql for DateTime<Local> {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        DateTime::<Utc>::column_result(value).map(|utc| utc.with_timezone(&Local))
    }
}

/// RFC 3339 (`2020-04-07T11:23:45+04:00`) or the stored form (`2020-04-07 11:23:45+04:00`);
/// the offset is required.
impl FromSql for DateTime<FixedOffset> {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_text(value, |s| {
            DateTime::parse_from_rfc3339(s).or_else(|_| DateTime::parse_from_str(s, ZONED))
        })
    }
}
