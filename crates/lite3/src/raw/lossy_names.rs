//! [`LossyNames`]: where the lossy copies of names that are not valid UTF-8 live. SQLite hands
//! out names (columns, declared types, parameters) as UTF-8 but never checks the bytes a
//! database file holds; lite3 returns such a name with U+FFFD for each invalid sequence instead
//! of refusing it or returning an empty string. The copies belong to the connection, not to the
//! statement: a statement type with interior mutability would stop the optimiser from keeping
//! its fields in registers across calls into C, which costs every query.

use std::cell::RefCell;

/// Lossy copies, appended to and never changed or removed until the connection drops, so a
/// `&str` handed out of it stays valid for as long as the connection is borrowed. Each distinct
/// name is kept once.
#[derive(Default)]
pub(crate) struct LossyNames(RefCell<Vec<Box<str>>>);

impl LossyNames {
    /// `bytes` as UTF-8: borrowed when valid, otherwise the kept lossy copy.
    pub(crate) fn text<'a>(&'a self, bytes: &'a [u8]) -> &'a str {
        if let Ok(name) = std::str::from_utf8(bytes) {
            return name;
        }
        let lossy = String::from_utf8_lossy(bytes);
        let mut names = self.0.borrow_mut();
        let index = match names.iter().position(|n| **n == *lossy) {
            Some(index) => index,
            None => {
                names.push(lossy.into());
                names.len() - 1
            }
        };
        let name: *const str = &*names[index];
        // SAFETY: the boxed str is never changed or removed while `self` lives (see the type's
        // invariant), and its heap buffer does not move when the Vec grows.
        unsafe { &*name }
    }
}
