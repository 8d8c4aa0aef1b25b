//! SQLite version numbers as the C library writes them (`3.40.1`, `3040001`).

use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// Parses `3.40.1` (a missing patch counts as 0, a fourth component is ignored).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not a SQLite version (expected e.g. 3.40.1)");
        let mut parts = text
            .trim()
            .split('.')
            .map(|p| p.parse::<u32>().map_err(|_| bad()));
        let major = parts.next().ok_or_else(bad)??;
        let minor = parts.next().ok_or_else(bad)??;
        let patch = parts.next().transpose()?.unwrap_or(0);
        Ok(Self::new(major, minor, patch))
    }

    /// `SQLITE_VERSION_NUMBER` form: 3040001.
    pub const fn number(self) -> u32 {
        self.major * 1_000_000 + self.minor * 1000 + self.patch
    }

    /// Reads `#define SQLITE_VERSION "x.y.z"` from a header's text.
    pub fn from_header(text: &str) -> Result<Self, String> {
        let line = text
            .lines()
            .find(|l| {
                l.split_whitespace()
                    .take(2)
                    .eq(["#define", "SQLITE_VERSION"])
            })
            .ok_or("no `#define SQLITE_VERSION` line")?;
        let quoted = line
            .split('"')
            .nth(1)
            .ok_or("SQLITE_VERSION is not a quoted string")?;
        Self::parse(quoted)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}
