//! Wall-clock comparison: both programs run alternately, so a slow patch of the machine hits
//! both; the median of the rounds is reported.

use super::{Figures, Pair};
use crate::cmd;
use std::path::Path;
use std::process::Command;

pub fn compare(pair: &Pair, dir: &Path, rows: u64, rounds: usize) -> Result<Figures, String> {
    let mut figures = Figures::default();
    let rows = rows.to_string();
    let db = dir.join("bench.db");
    let db = db.to_str().ok_or("non-UTF-8 path")?;
    for _ in 0..rounds {
        let ours =
            cmd::output(Command::new(&pair.lite3).args(["bench", "--rows", &rows, "--db", db]))?;
        figures.add(&ours, true, |_, ms| Ok(ms))?;
        let theirs = cmd::output(Command::new(&pair.c).args([db, &rows]))?;
        figures.add(&theirs, false, |_, ms| Ok(ms))?;
    }
    Ok(figures)
}
