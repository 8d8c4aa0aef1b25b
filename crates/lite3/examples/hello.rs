//! Opens a database file, writes a few rows in a transaction and reads them back.
//!
//! `cargo run -p lite3 --example hello [PATH]` (default: hello.db in the system temp dir).

use lite3::Connection;

fn main() -> lite3::Result<()> {
    let path = std::env::args()
        .nth(1)
        .map_or_else(|| std::env::temp_dir().join("hello.db"), Into::into);
    let _ = std::fs::remove_file(&path);
    let mut conn = Connection::open(&path)?;
    println!("SQLite {}", lite3::sqlite_version());
    conn.execute(
        "CREATE TABLE greeting(id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
        (),
    )?;

    let tx = conn.transaction()?;
    for word in ["hello", "from", "lite3"] {
        tx.execute("INSERT INTO greeting(text) VALUES (?1)", (word,))?;
    }
    tx.commit()?;

    let mut stmt = conn.prepare("SELECT id, text FROM greeting ORDER BY id")?;
    let mut rows = stmt.query(())?;
    while let Some(row) = rows.next()? {
        let (id, text): (i64, &str) = (row.get(0)?, row.get(1)?);
        println!("{id}: {text}");
    }
    println!("database: {}", path.display());
    Ok(())
}
