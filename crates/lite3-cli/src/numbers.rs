//! When text may become a number: only when the conversion is exact and reversible, so that an
//! import never changes a value. `exact` says which number text denotes under that rule;
//! `looks_numeric` says whether SQLite's column affinity would turn the text into a number
//! anyway (and so change it), which the import must refuse instead of letting happen.

/// A number that text denotes exactly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    Integer(i64),
    Real(f64),
}

/// The number `text` denotes, if storing that number keeps the value the text wrote:
/// - an integer written the plain way (`-12`, `0`; no `+`, no leading zeros, no spaces) that
///   fits in 64 bits;
/// - a decimal or exponent form (`1.5`, `-0.25`, `1e-3`, `.5`) whose value is recovered exactly
///   from the nearest double, so it reads back as the same number. `1.10` qualifies (it is
///   1.1); `0.1` qualifies (the nearest double reads back as 0.1);
///   `12345678901234567890.5`, `1e400` and numbers with leading zeros (`007.5`) do not.
///
/// `inf`, `NaN` and the like are words, not numbers: `None`.
pub(crate) fn exact(text: &str) -> Option<Number> {
    // Fast paths first, without a full parse: this runs for every value of a numeric column.
    let bytes = text.as_bytes();
    let unsigned = bytes.strip_prefix(b"-").unwrap_or(bytes);
    let leading_zero = unsigned.len() > 1 && unsigned[0] == b'0' && unsigned[1].is_ascii_digit();
    if leading_zero
        || !unsigned
            .first()
            .is_some_and(|&b| b.is_ascii_digit() || b == b'.')
    {
        return None; // also `+5`, ` 5`, `inf`, `NaN`
    }
    if unsigned.iter().all(u8::is_ascii_digit) {
        return text.parse().ok().map(Number::Integer);
    }
    // A plain decimal of at most 15 digits always survives a trip through a double (IEEE
    // 754's guarantee for binary64).
    let plain = unsigned.len() <= 16
        && unsigned.iter().filter(|&&b| b == b'.').count() == 1
        && unsigned.iter().all(|&b| b.is_ascii_digit() || b == b'.');
    if plain {
        return text.parse().ok().map(Number::Real);
    }
    let literal = Literal::parse(text)?;
    if literal.plus || !literal.fraction_or_exponent {
        return None;
    }
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() {
        return None;
    }
    // The same guarantee for other forms within the normal range; past it, compare the
    // double's shortest form with the text.
    let quick = literal.significant_digits <= 15 && (-300..=300).contains(&literal.exponent);
    if quick || Literal::parse(&format!("{value:e}")).is_some_and(|l| l.same_value(&literal)) {
        Some(Number::Real(value))
    } else {
        None
    }
}

/// Whether SQLite would take `text` for a number when storing it in a column with INTEGER,
/// REAL or NUMERIC affinity: a decimal literal, optionally signed and surrounded by spaces.
pub(crate) fn looks_numeric(text: &str) -> bool {
    Literal::parse(text.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])).is_some()
}

/// A decimal literal, `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, reduced to
/// what comparing two values needs: its significant digits and the power of ten they start at.
#[derive(Debug)]
struct Literal<'a> {
    negative: bool,
    plus: bool,
    fraction_or_exponent: bool,
    integer: &'a [u8],
    fraction: &'a [u8],
    significant_digits: usize,
    /// The value is `0.digits × 10^exponent`.
    exponent: i64,
}

impl<'a> Literal<'a> {
    fn parse(text: &'a str) -> Option<Literal<'a>> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let (negative, plus) = match bytes.first() {
            Some(b'-') => (true, false),
            Some(b'+') => (false, true),
            _ => (false, false),
        };
        if negative || plus {
            i += 1;
        }
        let integer_start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let integer = &bytes[integer_start..i];
        let mut fraction: &[u8] = &[];
        let mut point = false;
        if bytes.get(i) == Some(&b'.') {
            point = true;
            i += 1;
            let start = i;
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            fraction = &bytes[start..i];
        }
        if integer.is_empty() && fraction.is_empty() {
            return None;
        }
        let mut written_exponent: i64 = 0;
        let mut has_exponent = false;
        if matches!(bytes.get(i), Some(b'e' | b'E')) {
            has_exponent = true;
            i += 1;
            let sign = match bytes.get(i) {
                Some(b'-') => {
                    i += 1;
                    -1
                }
                Some(b'+') => {
                    i += 1;
                    1
                }
                _ => 1,
            };
            let start = i;
            while let Some(d) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
                // Saturates: an exponent this large is out of any double's range either way.
                written_exponent = (written_exponent * 10 + i64::from(d - b'0')).min(1 << 40);
                i += 1;
            }
            if i == start {
                return None;
            }
            written_exponent *= sign;
        }
        if i != bytes.len() {
            return None;
        }
        // Counted without allocating: this runs for every numeric value of an import.
        let all = || integer.iter().chain(fraction);
        let first = all().position(|&d| d != b'0');
        let (significant_digits, exponent) = match first {
            None => (0, 0),
            Some(first) => {
                let trailing = all().rev().take_while(|&&d| d == b'0').count();
                let length = integer.len() + fraction.len();
                let exponent = integer.len() as i64 - first as i64 + written_exponent;
                (length - first - trailing, exponent)
            }
        };
        Some(Literal {
            negative,
            plus,
            fraction_or_exponent: point || has_exponent,
            integer,
            fraction,
            significant_digits,
            exponent,
        })
    }

    /// The significant digits, without leading or trailing zeros (empty for zero).
    fn digits(&self) -> Vec<u8> {
        let all: Vec<u8> = self.integer.iter().chain(self.fraction).copied().collect();
        let Some(first) = all.iter().position(|&d| d != b'0') else {
            return Vec::new();
        };
        all[first..first + self.significant_digits].to_vec()
    }

    fn same_value(&self, other: &Literal<'_>) -> bool {
        let digits = self.digits();
        self.negative == other.negative
            && digits == other.digits()
            && (digits.is_empty() || self.exponent == other.exponent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_convert_only_when_written_the_plain_way() {
        assert_eq!(exact("42"), Some(Number::Integer(42)));
        assert_eq!(exact("-7"), Some(Number::Integer(-7)));
        assert_eq!(exact("0"), Some(Number::Integer(0)));
        assert_eq!(
            exact("-9223372036854775808"),
            Some(Number::Integer(i64::MIN))
        );
        for kept in [
            "007",
            "+5",
            " 5",
            "5 ",
            "9223372036854775808",
            "1_000",
            "0x10",
            "",
        ] {
            assert_eq!(exact(kept), None, "{kept:?}");
        }
    }

    #[test]
    fn reals_convert_when_the_double_reads_back_as_the_same_number() {
        assert_eq!(exact("1.5"), Some(Number::Real(1.5)));
        assert_eq!(exact("1.10"), Some(Number::Real(1.1)));
        assert_eq!(exact("1e5"), Some(Number::Real(100000.0)));
        assert_eq!(exact(".5"), Some(Number::Real(0.5)));
        assert_eq!(exact("0.30000000000000004"), Some(Number::Real(0.1 + 0.2)));
        assert_eq!(exact("1e-310"), Some(Number::Real(1e-310))); // subnormal, still exact
        assert_eq!(exact("1."), Some(Number::Real(1.0)));
        for kept in [
            "12345678901234567890.5",
            "0.1234567890123456789",
            "1e400",
            "1e-400",
            "007.5",
            "inf",
            "NaN",
            "1e",
            "e5",
        ] {
            assert_eq!(exact(kept), None, "{kept:?}");
        }
    }

    #[test]
    fn numeric_looking_text_is_what_sqlite_would_convert() {
        for numeric in [
            "007",
            " 5 ",
            "+1",
            "1e400",
            "12345678901234567890",
            ".5",
            "1.",
        ] {
            assert!(looks_numeric(numeric), "{numeric:?}");
        }
        for text in ["inf", "NaN", "0x10", "1_000", "abc", "", "1e", "-", "."] {
            assert!(!looks_numeric(text), "{text:?}");
        }
    }
}
