//! Connection settings and limits written the rusqlite way.

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::{Connection, Result};

#[test]
fn db_config_and_limits() -> Result<()> {
    let db = Connection::open_in_memory()?;
    let opposite = !db.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)?;
    assert_eq!(
        db.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, opposite)?,
        opposite
    );
    assert_eq!(
        db.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)?,
        opposite
    );
    db.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    assert!(db.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)?);

    let before = db.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 1)?;
    assert_eq!(before, 10);
    assert_eq!(db.limit(Limit::SQLITE_LIMIT_ATTACHED)?, 1);
    db.execute_batch("ATTACH ':memory:' AS one")?;
    assert!(db.execute_batch("ATTACH ':memory:' AS two").is_err());
    Ok(())
}
