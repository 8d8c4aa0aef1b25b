//! `cargo xtask bench --ciphers [--instructions]`: what encryption costs. `lite3 bench` on a
//! plaintext database against the same run on a database encrypted with each cipher (`lite3
//! bench --cipher NAME`, a raw key, so no key derivation at open): the median of alternating
//! rounds in milliseconds, or exact instruction counts under callgrind, with the ratio to
//! plaintext. The checksums must agree: encryption changes no result.

use super::{Figures, instructions};
use crate::cmd;
use crate::tools::Installer;
use std::path::Path;
use std::process::Command;

const CIPHERS: &[&str] = &[
    "chacha20",
    "sqlcipher",
    "aes256cbc",
    "aes128cbc",
    "ascon128",
    "aegis",
];

pub fn compare(
    lite3: &Path,
    dir: &Path,
    rows: Option<u64>,
    rounds: usize,
    count_instructions: bool,
    installer: Installer,
) -> Result<(), String> {
    if count_instructions {
        installer.apt(&["valgrind"], cmd::exists("valgrind"))?;
    }
    // Under callgrind a run is ~50x slower: fewer rows by default.
    let rows = rows
        .unwrap_or(if count_instructions {
            100_000
        } else {
            1_000_000
        })
        .to_string();
    let db = dir.join("bench.db");
    let db = db.to_str().ok_or("non-UTF-8 path")?;
    let plain: Vec<&str> = vec!["bench", "--rows", &rows, "--db", db];
    for cipher in CIPHERS {
        let mut encrypted = plain.clone();
        encrypted.extend(["--cipher", cipher]);
        let mut figures = Figures::default();
        if count_instructions {
            instructions::add_counted(&mut figures, dir, cipher, lite3, &encrypted, true, true)?;
            instructions::add_counted(&mut figures, dir, "plain", lite3, &plain, false, true)?;
        } else {
            for _ in 0..rounds {
                for (args, ours) in [(&encrypted, true), (&plain, false)] {
                    let output = cmd::output(Command::new(lite3).args(args))?;
                    figures.add(&output, ours, |_, ms| Ok(ms))?;
                }
            }
        }
        let (unit, decimals, how) = if count_instructions {
            ("instr", 0, "instructions counted by callgrind".to_owned())
        } else {
            ("ms", 1, format!("median of {rounds} alternating rounds"))
        };
        println!("\n{cipher}: {rows} rows, {how}; checksums agree");
        figures.print_as((cipher, "plain"), unit, decimals);
    }
    Ok(())
}
