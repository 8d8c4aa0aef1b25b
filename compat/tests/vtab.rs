//! The virtual tables rusqlite users reach for, used the rusqlite way: `generate_series`,
//! `rarray(?)` over an `Rc<Vec<Value>>`, and the `csv` module over a file.

use rusqlite::types::Value;
use rusqlite::vtab::array::{self, Array};
use rusqlite::vtab::{csvtab, series};
use rusqlite::{Connection, Result};
use std::rc::Rc;

#[test]
fn series_array_and_csv() -> Result<()> {
    let db = Connection::open_in_memory()?;
    series::load_module(&db)?;
    array::load_module(&db)?;
    csvtab::load_module(&db)?;

    let mut stmt = db.prepare("SELECT value FROM generate_series(0, 20, 5)")?;
    let fives: Vec<i64> = stmt
        .query_map([], |row| row.get(0))?
        .collect::<Result<_>>()?;
    assert_eq!(fives, [0, 5, 10, 15, 20]);
    let total: i64 = db.query_row("SELECT sum(value) FROM generate_series(1, 100)", [], |r| {
        r.get(0)
    })?;
    assert_eq!(total, 5050);

    db.execute_batch(
        "CREATE TABLE fruit(id INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO fruit VALUES (1, 'apple'), (2, 'banana'), (3, 'cherry'), (4, 'date');",
    )?;
    let wanted: Array = Rc::new(vec![Value::from(2), Value::from(4)]);
    let mut stmt = db.prepare("SELECT name FROM fruit WHERE id IN rarray(?1) ORDER BY id")?;
    let names: Vec<String> = stmt
        .query_map([wanted.clone()], |row| row.get(0))?
        .collect::<Result<_>>()?;
    assert_eq!(names, ["banana", "date"]);
    drop(stmt);
    assert_eq!(Rc::strong_count(&wanted), 1);

    let dir = std::env::temp_dir().join(format!("compat-vtab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("scores.csv");
    std::fs::write(&file, "player,score\nada,31\nalan,27\n").unwrap();
    db.execute_batch(&format!(
        "CREATE VIRTUAL TABLE temp.scores USING csv(filename = '{}', header = yes)",
        file.display()
    ))?;
    let best: String = db.query_row(
        "SELECT player FROM scores ORDER BY CAST(score AS INTEGER) DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    assert_eq!(best, "ada");
    let missing = db.execute_batch(
        "CREATE VIRTUAL TABLE temp.nothing USING csv(filename = '/no/such/file.csv')",
    );
    assert!(missing.is_err());
    std::fs::remove_dir_all(&dir).unwrap();
    Ok(())
}
