//! jiff's civil dates and times and its `Timestamp` as TEXT in jiff's own display forms
//! (rusqlite's `jiff` feature, same stored forms), which SQLite's date functions also read.

use crate::Result;
use crate::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, Type, ValueRef};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};

// Each type is written with `Display` and read with `FromStr`, which round-trip exactly.
macro_rules! display_and_parse {
    ($($t:ty: $form:literal),* $(,)?) => {$(
        #[doc = concat!("Written as `", $form, "`.")]
        impl ToSql for $t {
            fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }

        impl FromSql for $t {
            const EXPECTED: Option<Type> = Some(Type::Text);

            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_str()?.parse().map_err(FromSqlError::other)
            }
        }
    )*};
}

display_and_parse!(
    Date: "2016-02-23",
    Time: "23:56:04",
    DateTime: "2016-02-23T23:56:04",
);

/// Written as `2016-02-23T23:56:04Z`.
impl ToSql for Timestamp {
    fn to_sql(&self) -> Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

/// RFC 3339 text (any offset, `T` or space), or an INTEGER as Unix seconds (`unixepoch()`).
impl FromSql for Timestamp {
    const EXPECTED: Option<Type> = Some(Type::Text);

    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        if let ValueRef::Integer(seconds) = value {
            return Timestamp::from_second(seconds).map_err(FromSqlError::other);
        }
        value.as_str()?.parse().map_err(FromSqlError::other)
    }
}

#[cfg(test)]
mod tests {
    use crate::Connection;
    use jiff::Timestamp;
    use jiff::civil::{Date, DateTime, Time};

    #[test]
    fn civil_types_and_timestamps_round_trip_and_sqlite_functions_read_them() {
        let conn = Connection::open_in_memory().unwrap();
        let dt = DateTime::constant(2016, 2, 23, 23, 56, 4, 0);
        let text: String = conn.query_row("SELECT ?1", [dt], |r| r.get(0)).unwrap();
        assert_eq!(text, "2016-02-23T23:56:04");
        let back: DateTime = conn
            .query_row("SELECT datetime(?1)", [dt], |r| r.get(0))
            .unwrap();
        assert_eq!(back, dt);
        let date: Date = conn
            .query_row("SELECT date(?1)", [dt], |r| r.get(0))
            .unwrap();
        assert_eq!(date, Date::constant(2016, 2, 23));
        let time: Time = conn
            .query_row("SELECT time(?1)", [dt], |r| r.get(0))
            .unwrap();
        assert_eq!(time, Time::constant(23, 56, 4, 0));
        let ts: Timestamp = "2016-02-23 23:56:04Z".parse().unwrap();
        let stored: String = conn.query_row("SELECT ?1", [ts], |r| r.get(0)).unwrap();
        assert_eq!(stored, "2016-02-23T23:56:04Z");
        let from_offset: Timestamp = conn
            .query_row("SELECT '2016-02-24T01:56:04+02:00'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(from_offset, ts);
        let from_unix: Timestamp = conn
            .query_row("SELECT unixepoch(?1)", [ts], |r| r.get(0))
            .unwrap();
        assert_eq!(from_unix, ts);
        assert!(
            conn.query_row("SELECT '2023-02-29'", [], |r| r.get::<_, Date>(0))
                .is_err()
        );
    }
}
