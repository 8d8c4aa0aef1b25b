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
        for (program, args, is_lite3) in pair.runs(db, &rows) {
            let output = cmd::output(Command::new(program).args(args))?;
            figures.add(&output, is_lite3, |_, ms| Ok(ms))?;
        }
    }
    Ok(figures)
}
