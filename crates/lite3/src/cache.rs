//! The connection's LRU cache of prepared statements, behind [`Connection::prepare_cached`].

use crate::connection::Connection;
use crate::raw::RawStatement;
use crate::raw::statement::IdleStatement;
use crate::statement::Statement;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};

/// Default number of statements kept per connection.
pub(crate) const DEFAULT_CAPACITY: usize = 16;

/// Most recently used first. A linear scan over a handful of entries beats hashing the SQL.
pub(crate) struct StatementCache {
    capacity: usize,
    entries: VecDeque<(Box<str>, IdleStatement)>,
}

impl StatementCache {
    pub(crate) fn new(capacity: usize) -> RefCell<Self> {
        RefCell::new(Self {
            capacity,
            entries: VecDeque::new(),
        })
    }

    /// Takes the statement prepared from exactly `sql`, if cached.
    pub(crate) fn take(&mut self, sql: &str) -> Option<RawStatement> {
        let position = self
            .entries
            .iter()
            .position(|(cached, _)| &**cached == sql)?;
        self.entries
            .remove(position)
            .map(|(_, stmt)| stmt.into_inner())
    }

    /// Puts a statement back, reset and with its bindings cleared, as most recently used.
    pub(crate) fn put(&mut self, stmt: RawStatement) {
        if self.capacity == 0 {
            return;
        }
        stmt.reset();
        stmt.clear_bindings();
        let sql: Box<str> = stmt.sql().into();
        self.entries.push_front((sql, IdleStatement::new(stmt)));
        self.entries.truncate(self.capacity);
    }

    pub(crate) fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        self.entries.truncate(capacity);
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

/// A statement from the connection's cache; it goes back there (reset, bindings cleared) when
/// dropped. Derefs to [`Statement`].
///
/// ```
/// use lite3::Connection;
///
/// let conn = Connection::open_in_memory()?;
/// for i in 0..3 {
///     // Prepared once, then reused from the cache.
///     let mut stmt = conn.prepare_cached("SELECT ?1 + 1")?;
///     assert_eq!(stmt.query_row((i,), |row| row.get::<_, i64>(0))?, i + 1);
/// }
/// # Ok::<(), lite3::Error>(())
/// ```
pub struct CachedStatement<'c> {
    // Always Some, except inside Drop.
    stmt: Option<Statement<'c>>,
}

impl<'c> CachedStatement<'c> {
    pub(crate) fn new(stmt: Statement<'c>) -> Self {
        Self { stmt: Some(stmt) }
    }

    /// Keeps the statement out of the cache: it is finalised when dropped.
    ///
    /// ```
    /// let conn = lite3::Connection::open_in_memory()?;
    /// conn.prepare_cached("SELECT 1")?.discard();
    /// # Ok::<(), lite3::Error>(())
    /// ```
    pub fn discard(mut self) {
        self.stmt = None;
    }
}

impl<'c> Deref for CachedStatement<'c> {
    type Target = Statement<'c>;

    #[inline]
    fn deref(&self) -> &Statement<'c> {
        self.stmt
            .as_ref()
            .expect("a CachedStatement holds its statement until dropped")
    }
}

impl DerefMut for CachedStatement<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Self::Target {
        self.stmt
            .as_mut()
            .expect("a CachedStatement holds its statement until dropped")
    }
}

impl Drop for CachedStatement<'_> {
    fn drop(&mut self) {
        if let Some(stmt) = self.stmt.take() {
            let (conn, raw) = stmt.into_parts();
            Connection::return_to_cache(conn, raw);
        }
    }
}

impl std::fmt::Debug for CachedStatement<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CachedStatement").field(&self.stmt).finish()
    }
}
