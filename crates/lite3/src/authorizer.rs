//! The authorizer (rusqlite's shapes: `hooks::AuthAction`, `AuthContext`, `Authorization`):
//! SQLite asks it about every action a statement will take, while the statement is prepared.

use crate::callbacks::Slot;
use crate::raw::hooks;
use crate::{Connection, Result, ffi};
use std::ffi::c_int;

/// What the authorizer is asked about, with the names it concerns (rusqlite's variants).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(
    missing_docs,
    reason = "each variant is SQLite's action code of the same name"
)]
pub enum AuthAction<'c> {
    /// An action code this version of lite3 does not know, with SQLite's two arguments.
    Unknown {
        code: i32,
        arg1: Option<&'c str>,
        arg2: Option<&'c str>,
    },
    CreateIndex {
        index_name: &'c str,
        table_name: &'c str,
    },
    CreateTable {
        table_name: &'c str,
    },
    CreateTempIndex {
        index_name: &'c str,
        table_name: &'c str,
    },
    CreateTempTable {
        table_name: &'c str,
    },
    CreateTempTrigger {
        trigger_name: &'c str,
        table_name: &'c str,
    },
    CreateTempView {
        view_name: &'c str,
    },
    CreateTrigger {
        trigger_name: &'c str,
        table_name: &'c str,
    },
    CreateView {
        view_name: &'c str,
    },
    Delete {
        table_name: &'c str,
    },
    DropIndex {
        index_name: &'c str,
        table_name: &'c str,
    },
    DropTable {
        table_name: &'c str,
    },
    DropTempIndex {
        index_name: &'c str,
        table_name: &'c str,
    },
    DropTempTable {
        table_name: &'c str,
    },
    DropTempTrigger {
        trigger_name: &'c str,
        table_name: &'c str,
    },
    DropTempView {
        view_name: &'c str,
    },
    DropTrigger {
        trigger_name: &'c str,
        table_name: &'c str,
    },
    DropView {
        view_name: &'c str,
    },
    Insert {
        table_name: &'c str,
    },
    Pragma {
        pragma_name: &'c str,
        pragma_value: Option<&'c str>,
    },
    Read {
        table_name: &'c str,
        column_name: &'c str,
    },
    Select,
    Transaction {
        operation: TransactionOperation,
    },
    Update {
        table_name: &'c str,
        column_name: &'c str,
    },
    Attach {
        filename: &'c str,
    },
    Detach {
        database_name: &'c str,
    },
    AlterTable {
        database_name: &'c str,
        table_name: &'c str,
    },
    Reindex {
        index_name: &'c str,
    },
    Analyze {
        table_name: &'c str,
    },
    CreateVtable {
        table_name: &'c str,
        module_name: &'c str,
    },
    DropVtable {
        table_name: &'c str,
        module_name: &'c str,
    },
    Function {
        function_name: &'c str,
    },
    Savepoint {
        operation: TransactionOperation,
        savepoint_name: &'c str,
    },
    Recursive,
}

/// A transaction or savepoint operation an [`AuthAction`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(missing_docs, reason = "SQLite's operation names")]
pub enum TransactionOperation {
    Unknown,
    Begin,
    Release,
    Rollback,
}

impl TransactionOperation {
    fn named(name: &str) -> Self {
        match name {
            "BEGIN" => TransactionOperation::Begin,
            "RELEASE" => TransactionOperation::Release,
            "ROLLBACK" => TransactionOperation::Rollback,
            _ => TransactionOperation::Unknown,
        }
    }
}

/// One question to the authorizer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AuthContext<'c> {
    /// The action.
    pub action: AuthAction<'c>,
    /// The database (`main`, `temp`, an attached name), when the action has one.
    pub database_name: Option<&'c str>,
    /// The innermost trigger or view that causes the action; `None` for top-level SQL.
    pub accessor: Option<&'c str>,
}

/// The authorizer's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Authorization {
    /// Let the action happen.
    Allow,
    /// Let the statement be prepared, but read the column as NULL (for `Read`) or skip the
    /// action (for `Delete`: no rows are deleted, and so on).
    Ignore,
    /// Refuse: the statement fails to prepare with `SQLITE_AUTH`.
    Deny,
}

impl<'c> AuthAction<'c> {
    fn new(code: c_int, arg1: Option<&'c str>, arg2: Option<&'c str>) -> Self {
        use AuthAction as A;
        // The two arguments, where SQLite documents both as present.
        let both = arg1.zip(arg2);
        match code {
            ffi::SQLITE_SELECT => return A::Select,
            ffi::SQLITE_RECURSIVE => return A::Recursive,
            ffi::SQLITE_PRAGMA => {
                if let Some(pragma_name) = arg1 {
                    return A::Pragma {
                        pragma_name,
                        pragma_value: arg2,
                    };
                }
            }
            ffi::SQLITE_FUNCTION => {
                if let Some(function_name) = arg2 {
                    return A::Function { function_name };
                }
            }
            _ => {}
        }
        let named = match (code, both) {
            (ffi::SQLITE_CREATE_INDEX, Some((index_name, table_name))) => Some(A::CreateIndex {
                index_name,
                table_name,
            }),
            (ffi::SQLITE_CREATE_TEMP_INDEX, Some((index_name, table_name))) => {
                Some(A::CreateTempIndex {
                    index_name,
                    table_name,
                })
            }
            (ffi::SQLITE_CREATE_TRIGGER, Some((trigger_name, table_name))) => {
                Some(A::CreateTrigger {
                    trigger_name,
                    table_name,
                })
            }
            (ffi::SQLITE_CREATE_TEMP_TRIGGER, Some((trigger_name, table_name))) => {
                Some(A::CreateTempTrigger {
                    trigger_name,
                    table_name,
                })
            }
            (ffi::SQLITE_DROP_INDEX, Some((index_name, table_name))) => Some(A::DropIndex {
                index_name,
                table_name,
            }),
            (ffi::SQLITE_DROP_TEMP_INDEX, Some((index_name, table_name))) => {
                Some(A::DropTempIndex {
                    index_name,
                    table_name,
                })
            }
            (ffi::SQLITE_DROP_TRIGGER, Some((trigger_name, table_name))) => Some(A::DropTrigger {
                trigger_name,
                table_name,
            }),
            (ffi::SQLITE_DROP_TEMP_TRIGGER, Some((trigger_name, table_name))) => {
                Some(A::DropTempTrigger {
                    trigger_name,
                    table_name,
                })
            }
            (ffi::SQLITE_READ, Some((table_name, column_name))) => Some(A::Read {
                table_name,
                column_name,
            }),
            (ffi::SQLITE_UPDATE, Some((table_name, column_name))) => Some(A::Update {
                table_name,
                column_name,
            }),
            (ffi::SQLITE_ALTER_TABLE, Some((database_name, table_name))) => Some(A::AlterTable {
                database_name,
                table_name,
            }),
            (ffi::SQLITE_CREATE_VTABLE, Some((table_name, module_name))) => Some(A::CreateVtable {
                table_name,
                module_name,
            }),
            (ffi::SQLITE_DROP_VTABLE, Some((table_name, module_name))) => Some(A::DropVtable {
                table_name,
                module_name,
            }),
            (ffi::SQLITE_SAVEPOINT, Some((operation, savepoint_name))) => Some(A::Savepoint {
                operation: TransactionOperation::named(operation),
                savepoint_name,
            }),
            _ => None,
        };
        let first = |make: fn(&'c str) -> Self| arg1.map(make);
        named
            .or_else(|| match code {
                ffi::SQLITE_CREATE_TABLE => first(|table_name| A::CreateTable { table_name }),
                ffi::SQLITE_CREATE_TEMP_TABLE => {
                    first(|table_name| A::CreateTempTable { table_name })
                }
                ffi::SQLITE_CREATE_VIEW => first(|view_name| A::CreateView { view_name }),
                ffi::SQLITE_CREATE_TEMP_VIEW => first(|view_name| A::CreateTempView { view_name }),
                ffi::SQLITE_DELETE => first(|table_name| A::Delete { table_name }),
                ffi::SQLITE_DROP_TABLE => first(|table_name| A::DropTable { table_name }),
                ffi::SQLITE_DROP_TEMP_TABLE => first(|table_name| A::DropTempTable { table_name }),
                ffi::SQLITE_DROP_VIEW => first(|view_name| A::DropView { view_name }),
                ffi::SQLITE_DROP_TEMP_VIEW => first(|view_name| A::DropTempView { view_name }),
                ffi::SQLITE_INSERT => first(|table_name| A::Insert { table_name }),
                ffi::SQLITE_TRANSACTION => first(|name| A::Transaction {
                    operation: TransactionOperation::named(name),
                }),
                ffi::SQLITE_ATTACH => first(|filename| A::Attach { filename }),
                ffi::SQLITE_DETACH => first(|database_name| A::Detach { database_name }),
                ffi::SQLITE_REINDEX => first(|index_name| A::Reindex { index_name }),
                ffi::SQLITE_ANALYZE => first(|table_name| A::Analyze { table_name }),
                _ => None,
            })
            .unwrap_or(A::Unknown { code, arg1, arg2 })
    }
}

impl Connection {
    /// Asks `hook` about every action a statement will take, while it is prepared (statements
    /// prepared earlier are prepared again before their next run, so they are asked too).
    /// [`Authorization::Deny`] makes the statement fail with `ErrorCode::Auth`; a panic denies
    /// too and then resumes in the caller. `None` removes it. Like the other hooks it must not
    /// use its own connection (`Error::HookReentry`).
    ///
    /// ```
    /// use lite3::hooks::{AuthAction, AuthContext, Authorization};
    /// use lite3::ErrorCode;
    ///
    /// let mut conn = lite3::Connection::open_in_memory()?;
    /// conn.execute_batch("CREATE TABLE users(name, password_hash)")?;
    /// conn.authorizer(Some(|ctx: AuthContext<'_>| match ctx.action {
    ///     AuthAction::Read { column_name: "password_hash", .. } => Authorization::Ignore,
    ///     AuthAction::Delete { .. } | AuthAction::DropTable { .. } => Authorization::Deny,
    ///     _ => Authorization::Allow,
    /// }))?;
    /// conn.execute("INSERT INTO users VALUES ('ann', 'x1f')", ())?;
    /// let hash: Option<String> = conn.query_row("SELECT password_hash FROM users", (), |r| r.get(0))?;
    /// assert_eq!(hash, None); // read as NULL
    /// let err = conn.execute("DELETE FROM users", ()).unwrap_err();
    /// assert_eq!(err.sqlite_code(), Some(ErrorCode::Auth));
    /// # Ok::<(), lite3::Error>(())
    /// ```
    ///
    /// # Errors
    /// A refusal of the door into C.
    pub fn authorizer<F>(&mut self, hook: Option<F>) -> Result<()>
    where
        F: for<'r> FnMut(AuthContext<'r>) -> Authorization + Send + 'static,
    {
        let hook = hook.map(|mut f| {
            move |code: c_int, args: [Option<&str>; 4]| {
                let [arg1, arg2, database_name, accessor] = args;
                let answer = f(AuthContext {
                    action: AuthAction::new(code, arg1, arg2),
                    database_name,
                    accessor,
                });
                match answer {
                    Authorization::Allow => ffi::SQLITE_OK,
                    Authorization::Ignore => ffi::SQLITE_IGNORE,
                    Authorization::Deny => ffi::SQLITE_DENY,
                }
            }
        });
        let owner = hooks::set_authorizer(self.raw(), hook)?;
        self.callbacks.replace(Slot::Authorizer, owner);
        Ok(())
    }
}
