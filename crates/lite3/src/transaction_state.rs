//! rusqlite's transaction settings and questions: the behaviour `transaction()` begins with,
//! and where a database's transaction stands (`sqlite3_txn_state`).

use crate::{Connection, Error, Name, Result, TransactionBehavior};

/// Where a database's transaction stands, from [`Connection::transaction_state`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransactionState {
    /// No transaction.
    None,
    /// A read transaction (a `SELECT` ran since `BEGIN`, or a statement is reading).
    Read,
    /// A write transaction.
    Write,
}

impl Connection {
    /// Sets the behaviour [`transaction`](Self::transaction) begins with (`Deferred` until
    /// changed). A [`Pool`](crate::Pool) or [`Worker`](crate::Worker) sets it back to
    /// `Deferred` before the connection's next user.
    ///
    /// ```
    /// use lite3::{Connection, TransactionBehavior, TransactionState};
    ///
    /// let mut conn = Connection::open_in_memory()?;
    /// conn.set_transaction_behavior(TransactionBehavior::Immediate);
    /// let tx = conn.transaction()?;
    /// // IMMEDIATE took the write lock at BEGIN, before any statement.
    /// assert_eq!(tx.transaction_state(None::<&str>)?, TransactionState::Write);
    /// tx.commit()?;
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn set_transaction_behavior(&mut self, behavior: TransactionBehavior) {
        self.transaction_behavior.set(behavior);
    }

    pub(crate) fn default_transaction_behavior(&self) -> TransactionBehavior {
        self.transaction_behavior.get()
    }

    /// Forgets per-user settings before a pooled or worker connection's next user.
    pub(crate) fn reset_user_settings(&self) {
        self.transaction_behavior.set(TransactionBehavior::Deferred);
    }

    /// The transaction state of database `db_name`, or the highest of all attached databases
    /// for `None`.
    ///
    /// ```
    /// use lite3::{Connection, TransactionState};
    ///
    /// let conn = Connection::open_in_memory()?;
    /// assert_eq!(conn.transaction_state(None::<&str>)?, TransactionState::None);
    /// conn.execute_batch("BEGIN; CREATE TABLE t(x);")?;
    /// assert_eq!(conn.transaction_state(Some("main"))?, TransactionState::Write);
    /// assert!(conn.transaction_state(Some("nope")).is_err());
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidSchema`] when no such database is attached; [`Error::Nul`].
    pub fn transaction_state<N: Name>(&self, db_name: Option<N>) -> Result<TransactionState> {
        let name = db_name.as_ref().map(Name::as_cstr).transpose()?;
        match self.raw().transaction_state(name.as_deref()) {
            0 => Ok(TransactionState::None),
            1 => Ok(TransactionState::Read),
            2 => Ok(TransactionState::Write),
            _ => Err(Error::InvalidSchema(
                name.map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )),
        }
    }
}
