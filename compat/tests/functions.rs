//! User functions written the rusqlite way: a named `fn` taking `&mut Context`, an aggregate, a
//! window function, auxiliary data, and rusqlite's flag names.

use rusqlite::functions::{Aggregate, Context, FunctionFlags, WindowAggregate};
use rusqlite::{Connection, Error, Result};

fn half(ctx: &mut Context<'_>) -> Result<f64> {
    let value = ctx.get::<f64>(0)?;
    Ok(value / 2.0)
}

fn regexp_like(ctx: &mut Context<'_>) -> Result<bool> {
    // A "compiled" pattern kept per statement: here just the lower-cased prefix.
    let prefix = ctx.get_or_create_aux(0, |v| -> Result<String, Error> {
        Ok(v.as_str()?.to_lowercase())
    })?;
    let text = ctx.get::<String>(1)?;
    Ok(text.to_lowercase().starts_with(prefix.as_str()))
}

struct Count;

impl Aggregate<i64, i64> for Count {
    fn init(&self, _: &mut Context<'_>) -> Result<i64> {
        Ok(0)
    }

    fn step(&self, _ctx: &mut Context<'_>, count: &mut i64) -> Result<()> {
        *count += 1;
        Ok(())
    }

    fn finalize(&self, _: &mut Context<'_>, count: Option<i64>) -> Result<i64> {
        Ok(count.unwrap_or(0))
    }
}

struct Sum;

impl Aggregate<i64, Option<i64>> for Sum {
    fn init(&self, _: &mut Context<'_>) -> Result<i64> {
        Ok(0)
    }

    fn step(&self, ctx: &mut Context<'_>, sum: &mut i64) -> Result<()> {
        *sum += ctx.get::<i64>(0)?;
        Ok(())
    }

    fn finalize(&self, _: &mut Context<'_>, sum: Option<i64>) -> Result<Option<i64>> {
        Ok(sum)
    }
}

impl WindowAggregate<i64, Option<i64>> for Sum {
    fn value(&self, sum: Option<&mut i64>) -> Result<Option<i64>> {
        Ok(sum.copied())
    }

    fn inverse(&self, ctx: &mut Context<'_>, sum: &mut i64) -> Result<()> {
        *sum -= ctx.get::<i64>(0)?;
        Ok(())
    }
}

#[test]
fn scalar_aggregate_and_window_functions() -> Result<()> {
    let db = Connection::open_in_memory()?;
    db.create_scalar_function(
        "half",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        half,
    )?;
    let result: f64 = db.query_row("SELECT half(6)", [], |r| r.get(0))?;
    assert_eq!(result, 3.0);
    db.remove_function("half", 1)?;
    assert!(
        db.query_row("SELECT half(6)", [], |r| r.get::<_, f64>(0))
            .is_err()
    );

    db.create_scalar_function(
        "starts",
        2,
        FunctionFlags::SQLITE_DETERMINISTIC,
        regexp_like,
    )?;
    let hits: i64 = db.query_row(
        "SELECT count(*) FROM (VALUES ('Apple'), ('apricot'), ('banana')) WHERE starts('AP', column1)",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(hits, 2);

    db.create_aggregate_function("my_count", -1, FunctionFlags::SQLITE_DETERMINISTIC, Count)?;
    let n: i64 = db.query_row(
        "SELECT my_count(column1) FROM (VALUES (1), (2), (3))",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(n, 3);

    db.create_window_function("sumint", 1, FunctionFlags::SQLITE_UTF8, Sum)?;
    let mut stmt = db.prepare(
        "WITH t(x, y) AS (VALUES ('a', 4), ('b', 5), ('c', 3), ('d', 8), ('e', 1)) \
         SELECT x, sumint(y) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t",
    )?;
    let sums: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_>>()?;
    assert_eq!(
        sums,
        [
            ("a".to_owned(), 9),
            ("b".to_owned(), 12),
            ("c".to_owned(), 16),
            ("d".to_owned(), 12),
            ("e".to_owned(), 9)
        ]
    );
    Ok(())
}

#[test]
fn collations() -> Result<()> {
    let db = Connection::open_in_memory()?;
    db.create_collation("unicase", |a: &str, b: &str| {
        a.to_lowercase().cmp(&b.to_lowercase())
    })?;
    let mut stmt = db.prepare(
        "SELECT column1 FROM (VALUES ('b'), ('A'), ('c')) ORDER BY column1 COLLATE unicase",
    )?;
    let sorted: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<Result<_>>()?;
    assert_eq!(sorted, ["A", "b", "c"]);
    drop(stmt);
    db.remove_collation("unicase")?;
    Ok(())
}
