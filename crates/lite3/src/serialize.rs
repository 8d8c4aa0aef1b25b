//! A whole database as bytes and back, in rusqlite's shapes: [`Connection::serialize`] for
//! snapshots or shipping a database over the network, and [`Connection::deserialize`] (and
//! friends) to open such bytes as a database, read-only or resizable, in memory.

use crate::raw::serialize::{self as raw, Serialized};
pub use crate::raw::serialize::{OwnedData, SharedData};
use crate::{Connection, Name, Result};
use std::ops::Deref;

/// A serialized database: lent by the connection (a deserialized database, no copy) or owned.
#[derive(Debug)]
pub enum Data<'conn> {
    /// The connection's own buffer, valid while the connection stays borrowed.
    Shared(SharedData<'conn>),
    /// A copy from SQLite's allocator.
    Owned(OwnedData),
}

impl Deref for Data<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Data::Shared(shared) => shared,
            Data::Owned(owned) => owned,
        }
    }
}

impl Connection {
    /// The database `schema` as the bytes of a database file. A database that was itself
    /// deserialized lends its buffer (no copy); any other is copied.
    ///
    /// ```
    /// use lite3::{Connection, MAIN_DB};
    ///
    /// let mut db = Connection::open_in_memory()?;
    /// db.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES ('shipped')")?;
    /// let bytes = db.serialize(MAIN_DB)?.to_vec();
    /// assert!(bytes.starts_with(b"SQLite format 3\0"));
    ///
    /// let mut copy = Connection::open_in_memory()?;
    /// copy.deserialize_read_exact(MAIN_DB, &bytes[..], bytes.len(), false)?;
    /// assert_eq!(copy.query_row("SELECT x FROM t", (), |r| r.get::<_, String>(0))?, "shipped");
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// `NoMem` when SQLite cannot copy it (also for a schema that is not attached), or a
    /// refusal of the door; [`Error::Nul`](crate::Error::Nul) in the name.
    pub fn serialize<N: Name>(&mut self, schema: N) -> Result<Data<'_>> {
        let schema = schema.as_cstr()?;
        Ok(match raw::serialize(self.raw(), &schema)? {
            Serialized::Shared(shared) => Data::Shared(shared),
            Serialized::Owned(owned) => Data::Owned(owned),
        })
    }

    /// Replaces database `schema` with `sz` bytes read from `read`, as an in-memory database
    /// (resizable, or read-only). Nothing is replaced when reading fails.
    ///
    /// # Errors
    /// The read's error (an [`Error::Sqlite`](crate::Error::Sqlite) with `CannotOpen` and
    /// its message), `NoMem`, or SQLite's (`Busy` while the database is being read).
    pub fn deserialize_read_exact<N: Name, R: std::io::Read>(
        &mut self,
        schema: N,
        mut read: R,
        sz: usize,
        read_only: bool,
    ) -> Result<()> {
        let mut data = OwnedData::zeroed(sz)?;
        read.read_exact(&mut data).map_err(|e| {
            let mut error = crate::raw::error::from_code(crate::ffi::SQLITE_CANTOPEN);
            error.message = format!("reading the serialized database failed: {e}");
            crate::Error::Sqlite(error)
        })?;
        self.deserialize(schema, data, read_only)
    }

    /// Replaces database `schema` with `data`, read-only, without a copy.
    ///
    /// # Errors
    /// As [`deserialize`](Self::deserialize).
    pub fn deserialize_bytes<N: Name>(&mut self, schema: N, data: &'static [u8]) -> Result<()> {
        let schema = schema.as_cstr()?;
        self.callbacks.mark_changed();
        raw::deserialize_static(self.raw(), &schema, data)
    }

    /// Replaces database `schema` with `data` (SQLite takes it over), as an in-memory
    /// database, read-only or resizable. The connection no longer refers to the file it had
    /// for `schema`; a [`Pool`](crate::Pool) therefore replaces a connection whose borrower
    /// deserialized into it. Bytes that are not a database fail at the first statement with
    /// `NotADatabase`.
    ///
    /// # Errors
    /// SQLite's error (`Busy` while the database is in a transaction or being backed up);
    /// [`Error::Nul`](crate::Error::Nul) in the name.
    pub fn deserialize<N: Name>(
        &mut self,
        schema: N,
        data: OwnedData,
        read_only: bool,
    ) -> Result<()> {
        let schema = schema.as_cstr()?;
        self.callbacks.mark_changed();
        raw::deserialize(self.raw(), &schema, data, read_only)
    }
}
