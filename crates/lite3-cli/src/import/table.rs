//! The table an import writes to: found whatever the case of its name, created with the inferred
//! types (and `--pk`) when it is missing, given the input's missing columns with `--alter`; and
//! the INSERT for the chosen conflict rule.

use super::kinds::Kind;
use crate::Error;
use crate::export::quote_identifier;
use lite3::Transaction;

/// What happens to a row whose key is already in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OnConflict {
    /// The import stops (and nothing is imported).
    Fail,
    /// The old row is deleted and the new one inserted (`INSERT OR REPLACE`).
    Replace,
    /// The old row's columns named in the input are updated; its other columns stay.
    Upsert,
}

/// What the user asked for the table.
pub(super) struct Request<'a> {
    pub(super) table: &'a str,
    pub(super) columns: &'a [String],
    /// The inferred types, with `--type` applied.
    pub(super) kinds: Vec<Kind>,
    pub(super) typed: bool,
    pub(super) pk: &'a [String],
    pub(super) alter: bool,
    pub(super) on_conflict: OnConflict,
}

/// The types the input's columns are stored with, and the INSERT that stores a record.
pub(super) struct Target {
    pub(super) kinds: Vec<Kind>,
    pub(super) insert: String,
}

/// One column of an existing table.
struct Declared {
    name: String,
    ty: String,
    /// 1-based position in the primary key, 0 when not part of it.
    pk: i64,
}

pub(super) fn prepare(tx: &Transaction<'_>, request: Request<'_>) -> Result<Target, Error> {
    for key in request.pk {
        if !request.columns.iter().any(|c| c.eq_ignore_ascii_case(key)) {
            return Err(Error::Input(format!(
                "--pk {key}: the input has no column {key:?}"
            )));
        }
    }
    // SQLite's names ignore ASCII case: `T` is the existing table `t`.
    let existing: Option<String> = tx
        .query_row(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
            (request.table,),
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| match e {
            lite3::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    let (table, kinds, key) = match existing {
        None => create(tx, &request)?,
        Some(name) => existing_table(tx, &request, name)?,
    };
    let quoted: Vec<String> = request
        .columns
        .iter()
        .map(|c| quote_identifier(c))
        .collect();
    let placeholders: Vec<String> = (1..=quoted.len()).map(|i| format!("?{i}")).collect();
    let verb = match request.on_conflict {
        OnConflict::Replace => "INSERT OR REPLACE",
        OnConflict::Fail | OnConflict::Upsert => "INSERT",
    };
    let mut insert = format!(
        "{verb} INTO {}({}) VALUES ({})",
        quote_identifier(&table),
        quoted.join(", "),
        placeholders.join(", ")
    );
    if request.on_conflict == OnConflict::Upsert {
        if key.is_empty() {
            return Err(Error::Input(format!(
                "--upsert needs a key: name it with --pk, or import into a table with a primary key ({table} has none)"
            )));
        }
        let updates: Vec<String> = request
            .columns
            .iter()
            .filter(|c| !key.iter().any(|k| k.eq_ignore_ascii_case(c)))
            .map(|c| format!("{0} = excluded.{0}", quote_identifier(c)))
            .collect();
        let key: Vec<String> = key.iter().map(|k| quote_identifier(k)).collect();
        insert.push_str(&format!(" ON CONFLICT({}) DO ", key.join(", ")));
        if updates.is_empty() {
            insert.push_str("NOTHING");
        } else {
            insert.push_str(&format!("UPDATE SET {}", updates.join(", ")));
        }
    }
    Ok(Target { kinds, insert })
}

type Prepared = (String, Vec<Kind>, Vec<String>);

fn create(tx: &Transaction<'_>, request: &Request<'_>) -> Result<Prepared, Error> {
    let mut defs: Vec<String> = request
        .columns
        .iter()
        .zip(&request.kinds)
        .map(|(c, k)| format!("{} {}", quote_identifier(c), k.sql()))
        .collect();
    if !request.pk.is_empty() {
        let key: Vec<String> = request.pk.iter().map(|k| quote_identifier(k)).collect();
        defs.push(format!("PRIMARY KEY({})", key.join(", ")));
    }
    tx.execute(
        &format!(
            "CREATE TABLE {}({})",
            quote_identifier(request.table),
            defs.join(", ")
        ),
        (),
    )?;
    Ok((
        request.table.to_owned(),
        request.kinds.clone(),
        request.pk.to_vec(),
    ))
}

fn existing_table(
    tx: &Transaction<'_>,
    request: &Request<'_>,
    table: String,
) -> Result<Prepared, Error> {
    if request.typed {
        return Err(Error::Input(format!(
            "--type sets the types of a new table; {table} exists, and its declared types decide how values are stored"
        )));
    }
    if !request.pk.is_empty() && request.on_conflict != OnConflict::Upsert {
        return Err(Error::Input(format!(
            "--pk sets the key of a new table; {table} exists (with --upsert, --pk names the key to match rows on)"
        )));
    }
    let mut stmt = tx.prepare("SELECT name, type, pk FROM pragma_table_xinfo(?1)")?;
    let declared = stmt
        .query_map((&table,), |r| {
            Ok(Declared {
                name: r.get(0)?,
                ty: r.get(1)?,
                pk: r.get(2)?,
            })
        })?
        .collect::<lite3::Result<Vec<_>>>()?;
    drop(stmt);
    let find = |name: &str| declared.iter().find(|d| d.name.eq_ignore_ascii_case(name));
    let missing: Vec<usize> = (0..request.columns.len())
        .filter(|&i| find(&request.columns[i]).is_none())
        .collect();
    if !missing.is_empty() && !request.alter {
        let names: Vec<String> = missing
            .iter()
            .map(|&i| format!("{:?}", request.columns[i]))
            .collect();
        return Err(Error::Input(format!(
            "{table} has no column {} (--alter adds the missing columns)",
            names.join(", ")
        )));
    }
    for &i in &missing {
        tx.execute(
            &format!(
                "ALTER TABLE {} ADD COLUMN {} {}",
                quote_identifier(&table),
                quote_identifier(&request.columns[i]),
                request.kinds[i].sql()
            ),
            (),
        )?;
    }
    let kinds = request
        .columns
        .iter()
        .zip(&request.kinds)
        .map(|(c, inferred)| match find(c) {
            Some(d) => Kind::Declared(d.ty.clone()),
            None => inferred.clone(),
        })
        .collect();
    let mut key: Vec<&Declared> = declared.iter().filter(|d| d.pk > 0).collect();
    key.sort_by_key(|d| d.pk);
    let key = if request.pk.is_empty() {
        key.into_iter().map(|d| d.name.clone()).collect()
    } else {
        request.pk.to_vec()
    };
    Ok((table, kinds, key))
}
