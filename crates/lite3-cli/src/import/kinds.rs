//! Column types: inferred from the sample for a new table, given with `--type`, or declared by an
//! existing table; and how each value is stored in a column of that type without changing it.

use super::Field;
use crate::Error;
use crate::numbers::{self, Number};

/// A column's type, inferred from the sample, given with --type or declared by the table.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Kind {
    Integer,
    Real,
    Text,
    Declared(String),
}

impl Kind {
    pub(super) fn sql(&self) -> &str {
        match self {
            Kind::Integer => "INTEGER",
            Kind::Real => "REAL",
            Kind::Text => "TEXT",
            Kind::Declared(t) => t,
        }
    }

    /// The value to bind for `field` in a column of this type, or why it cannot be stored as
    /// written. Columns with TEXT or BLOB affinity keep text exactly ("007", "1.10", "1e5").
    /// Columns with numeric affinity get a number when the text denotes one exactly
    /// ([`numbers::exact`]); other text stays text, except text SQLite itself would turn into a
    /// different number ("007", "12345678901234567890", "1e400"): that stops the import.
    pub(super) fn convert(&self, field: Field, column: &Column<'_>) -> Result<Field, String> {
        let Field::Text(text) = field else {
            return Ok(field);
        };
        if column.keeps_text {
            return Ok(Field::Text(text));
        }
        match numbers::exact(&text) {
            Some(Number::Integer(i)) => Ok(Field::Integer(i)),
            Some(Number::Real(r)) => Ok(Field::Real(r)),
            None if numbers::looks_numeric(&text) => Err(format!(
                "{text:?} in column {:?} ({}) would be stored as a different number; \
                 declare the column TEXT (--type {}=TEXT for a new table) to keep it",
                column.name,
                self.sql(),
                column.name
            )),
            None => Ok(Field::Text(text)),
        }
    }

    /// Whether SQLite stores text in such a column as text: TEXT or BLOB affinity, decided as
    /// SQLite decides it from the declared type (INT first, then CHAR, CLOB, TEXT, then BLOB or
    /// no type).
    fn keeps_text(&self) -> bool {
        let declared = match self {
            Kind::Text => return true,
            Kind::Integer | Kind::Real => return false,
            Kind::Declared(t) => t.to_ascii_uppercase(),
        };
        if declared.contains("INT") {
            return false;
        }
        ["CHAR", "CLOB", "TEXT", "BLOB"]
            .iter()
            .any(|word| declared.contains(word))
            || declared.trim().is_empty()
    }
}

/// A column as the import stores values in it: its name and, decided once, its affinity.
pub(super) struct Column<'a> {
    name: &'a str,
    keeps_text: bool,
}

impl<'a> Column<'a> {
    pub(super) fn new(name: &'a str, kind: &Kind) -> Self {
        Self {
            name,
            keeps_text: kind.keeps_text(),
        }
    }
}

/// Each column's type from the sampled values: INTEGER or REAL when every value is one exactly
/// (mixing the two gives REAL), TEXT otherwise or when there are no values.
pub(super) fn infer<'a>(columns: usize, sample: impl Iterator<Item = &'a [Field]>) -> Vec<Kind> {
    let mut kinds: Vec<Option<Kind>> = vec![None; columns];
    for record in sample {
        for (kind, value) in kinds.iter_mut().zip(record) {
            let this = match value {
                Field::Null => continue,
                Field::Integer(_) => Kind::Integer,
                Field::Real(_) => Kind::Real,
                Field::Text(t) => match numbers::exact(t) {
                    Some(Number::Integer(_)) => Kind::Integer,
                    Some(Number::Real(_)) => Kind::Real,
                    None => Kind::Text,
                },
            };
            *kind = Some(match (kind.take(), this) {
                (None, k) => k,
                (Some(Kind::Integer), Kind::Real) | (Some(Kind::Real), Kind::Integer) => Kind::Real,
                (Some(a), b) if a == b => a,
                _ => Kind::Text,
            });
        }
    }
    kinds.into_iter().map(|k| k.unwrap_or(Kind::Text)).collect()
}

/// Applies `--type COLUMN=TYPE` overrides to `kinds`.
pub(super) fn apply_overrides(
    kinds: &mut [Kind],
    columns: &[String],
    overrides: &[String],
) -> Result<(), Error> {
    for spec in overrides {
        let (name, ty) = spec
            .split_once('=')
            .ok_or_else(|| Error::Input(format!("--type {spec:?}: expected COLUMN=TYPE")))?;
        let index = columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| Error::Input(format!("--type {spec:?}: no column {name:?}")))?;
        if ty.is_empty()
            || !ty
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '_')
        {
            return Err(Error::Input(format!(
                "--type {spec:?}: {ty:?} is not a column type"
            )));
        }
        kinds[index] = Kind::Declared(ty.to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Field {
        Field::Text(s.to_owned())
    }

    #[test]
    fn numeric_columns_refuse_text_that_sqlite_would_change() {
        let convert = |ty: &str, value: &str| {
            let kind = Kind::Declared(ty.into());
            kind.convert(text(value), &Column::new("n", &kind))
        };
        assert_eq!(convert("INTEGER", "42"), Ok(Field::Integer(42)));
        assert_eq!(convert("INTEGER", "abc"), Ok(text("abc")));
        assert_eq!(convert("INTEGER", "inf"), Ok(text("inf")));
        for changed in ["007", "12345678901234567890", "1e400", " 5"] {
            let error = convert("INTEGER", changed).unwrap_err();
            assert!(error.contains("different number"), "{error}");
        }
        assert_eq!(convert("VARCHAR(10)", "007"), Ok(text("007")));
        assert_eq!(convert("", "1.10"), Ok(text("1.10")));
    }

    #[test]
    fn inference_keeps_inexact_numbers_as_text() {
        let rows = [
            vec![
                text("1"),
                text("1.5"),
                text("007"),
                text("12345678901234567890"),
            ],
            vec![text("2"), text("2"), text("8"), text("1")],
        ];
        let kinds = infer(4, rows.iter().map(Vec::as_slice));
        assert_eq!(kinds, [Kind::Integer, Kind::Real, Kind::Text, Kind::Text]);
    }
}
