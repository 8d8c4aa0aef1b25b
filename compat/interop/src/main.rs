//! One value of every type rusqlite's type features cover, written and read the rusqlite way.
//!
//! The same source builds twice: in `compat/interop` against the real rusqlite, and in `compat`
//! against lite3 renamed `rusqlite`. `cargo xtask interop` has each write a database and read
//! the other's, and compares what both stored, value by value (`quote(v)`): the proof that a
//! database a rusqlite program wrote reads back the same through lite3, and the other way.
//!
//! Usage: `interop write DB` | `interop check DB` | `interop dump DB`

use rusqlite::types::{FromSql, ToSql};
use rusqlite::{Connection, Result};
use std::fmt::Debug;
use std::num::{NonZeroI128, NonZeroU32};
use std::sync::Arc;

/// Every sample: its name, the Rust type it is written and read as, and its value.
macro_rules! samples {
    ($($kind:literal: $t:ty = $value:expr;)*) => {
        fn write(conn: &Connection) -> Result<()> {
            conn.execute_batch("CREATE TABLE samples(kind TEXT PRIMARY KEY, v ANY) STRICT")?;
            $(insert::<$t>(conn, $kind, $value)?;)*
            Ok(())
        }

        /// The samples whose value did not read back as written, with what was read.
        fn check(conn: &Connection) -> Vec<String> {
            let mut wrong = Vec::new();
            $(compare::<$t>(conn, $kind, $value, &mut wrong);)*
            wrong
        }
    };
}

fn insert<T: ToSql>(conn: &Connection, kind: &str, value: T) -> Result<()> {
    conn.execute(
        "INSERT INTO samples(kind, v) VALUES (?1, ?2)",
        (kind, value),
    )?;
    Ok(())
}

fn compare<T: FromSql + PartialEq + Debug>(
    conn: &Connection,
    kind: &str,
    expected: T,
    wrong: &mut Vec<String>,
) {
    let read = conn.query_row("SELECT v FROM samples WHERE kind = ?1", [kind], |r| {
        r.get::<_, T>(0)
    });
    match read {
        Ok(value) if value == expected => {}
        other => wrong.push(format!("{kind}: expected {expected:?}, read {other:?}")),
    }
}

samples! {
    "bool": bool = true;
    "u64": u64 = i64::MAX as u64;
    "nonzero_u32": NonZeroU32 = NonZeroU32::new(7).unwrap();
    "f32": f32 = 0.1;
    "bytes4": [u8; 4] = [0, 1, 0xfe, 0xff];
    "box_str": Box<str> = "boxed".into();
    "arc_str": Arc<str> = "shared".into();
    "vec_u8": Vec<u8> = vec![0, 159, 146, 150];
    "none": Option<i64> = None;
    "i128_min": i128 = i128::MIN;
    "i128_minus_one": i128 = -1;
    "i128_max": i128 = i128::MAX;
    "nonzero_i128": NonZeroI128 = NonZeroI128::new(-1 << 100).unwrap();
    "uuid": uuid::Uuid = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
    "url": url::Url = url::Url::parse("https://example.com/päth?q=1#frag").unwrap();
    "json_object": serde_json::Value = serde_json::json!({"a": [1, 2.5, "three", null, true]});
    "json_string": serde_json::Value = serde_json::json!("text");
    "json_int": serde_json::Value = serde_json::json!(-42);
    "json_real": serde_json::Value = serde_json::json!(2.5);
    "json_bool": serde_json::Value = serde_json::json!(false);
    "chrono_date": chrono::NaiveDate = chrono::NaiveDate::from_ymd_opt(2016, 2, 23).unwrap();
    "chrono_time": chrono::NaiveTime = chrono::NaiveTime::from_hms_milli_opt(23, 56, 4, 789).unwrap();
    "chrono_datetime": chrono::NaiveDateTime = chrono::NaiveDate::from_ymd_opt(2016, 2, 23)
        .unwrap()
        .and_hms_micro_opt(23, 56, 4, 123_456)
        .unwrap();
    "chrono_utc": chrono::DateTime<chrono::Utc> = chrono_utc();
    "chrono_local": chrono::DateTime<chrono::Local> = chrono_utc().with_timezone(&chrono::Local);
    "chrono_fixed": chrono::DateTime<chrono::FixedOffset> =
        chrono::DateTime::parse_from_rfc3339("2020-04-07T11:23:45.5+04:00").unwrap();
    "time_date": time::Date = time::macros::date!(2016 - 02 - 23);
    "time_time": time::Time = time::macros::time!(23:56:04.00001);
    "time_primitive": time::PrimitiveDateTime = time::macros::datetime!(2016-02-23 23:56:04);
    "time_offset": time::OffsetDateTime = time::macros::datetime!(2013-10-07 8:23:19.123 +4);
    "time_utc": time::UtcDateTime = time::macros::utc_datetime!(2016-02-23 23:56:04.5);
    "jiff_date": jiff::civil::Date = jiff::civil::Date::constant(2016, 2, 23);
    "jiff_time": jiff::civil::Time = jiff::civil::Time::constant(23, 56, 4, 5_000_000);
    "jiff_datetime": jiff::civil::DateTime = jiff::civil::DateTime::constant(2016, 2, 23, 23, 56, 4, 0);
    "jiff_timestamp": jiff::Timestamp = "2016-02-23T23:56:04.25Z".parse().unwrap();
}

fn chrono_utc() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2016, 2, 23, 23, 56, 4)
        .unwrap()
        .with_timezone(&chrono::Utc)
        + chrono::Duration::milliseconds(789)
}

/// Each sample's stored form, as SQLite quotes it (type and bytes both show).
fn dump(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT kind, typeof(v), quote(v) FROM samples ORDER BY kind")?;
    let rows = stmt.query_map([], |r| {
        Ok(format!(
            "{} {} {}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?
        ))
    })?;
    rows.collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(action), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: interop write|check|dump DB");
        std::process::exit(2);
    };
    let conn = Connection::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match action.as_str() {
        "write" => write(&conn).unwrap_or_else(|e| panic!("writing {path}: {e}")),
        "check" => {
            let wrong = check(&conn);
            if !wrong.is_empty() {
                eprintln!("{} of the samples in {path} read back wrong:", wrong.len());
                for line in wrong {
                    eprintln!("  {line}");
                }
                std::process::exit(1);
            }
        }
        "dump" => {
            for line in dump(&conn).unwrap_or_else(|e| panic!("reading {path}: {e}")) {
                println!("{line}");
            }
        }
        other => {
            eprintln!("unknown action {other:?}: write, check or dump");
            std::process::exit(2);
        }
    }
}
