//! Fuzz harness `import`: arbitrary bytes as the input file of `lite3 import`, run in process
//! through the command's own entry point. Shared by the fuzz target and the regression test
//! (`crates/lite3-cli/tests/fuzz_regressions.rs`). Nothing may panic or crash; whatever the
//! input, the database passes `integrity_check`, and a failed import leaves the table as it
//! was (an import is one transaction).

use lite3::Connection;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Input: byte 0 chooses the options (bit 0: NDJSON instead of CSV; bit 1: `--no-headers`;
/// bit 2: `--sample 2`, so that values past the sample meet the inferred types; bit 3: import
/// twice, the second time into the existing table); the rest is the file.
pub fn run(data: &[u8]) {
    let Some((&options, content)) = data.split_first() else {
        return;
    };
    let dir = scratch();
    let db = dir.join("import.db");
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let ndjson = options & 1 != 0;
    let input = dir.join(if ndjson { "in.ndjson" } else { "in.csv" });
    std::fs::write(&input, content).expect("the scratch file");
    let mut args: Vec<String> = ["lite3", "import"].map(String::from).to_vec();
    args.extend([
        db.display().to_string(),
        "t".into(),
        input.display().to_string(),
    ]);
    if options & 2 != 0 && !ndjson {
        args.push("--no-headers".into());
    }
    if options & 4 != 0 {
        args.extend(["--sample".into(), "2".into()]);
    }
    let first = import(&args);
    let rows_after_first = rows(&db);
    if !first {
        assert_eq!(rows_after_first, None, "a failed import left rows behind");
    }
    if options & 8 != 0 {
        let second = import(&args);
        let rows_after_second = rows(&db);
        if !second {
            assert_eq!(
                rows_after_second, rows_after_first,
                "a failed second import changed the table"
            );
        }
    }
}

fn import(args: &[String]) -> bool {
    let code = lite3_cli::run(args);
    format!("{code:?}") == format!("{:?}", ExitCode::SUCCESS)
}

/// The table's rows, `None` when it has none or does not exist; the database must be sound.
fn rows(db: &Path) -> Option<i64> {
    if !db.exists() {
        return None;
    }
    let conn = Connection::open(db).expect("the database opens");
    let check: String = conn
        .query_row("PRAGMA integrity_check", (), |r| r.get(0))
        .expect("integrity_check runs");
    assert_eq!(check, "ok", "import left a damaged database");
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM t", (), |r| r.get(0))
        .ok()?;
    (rows > 0).then_some(rows)
}

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lite3-fuzz-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the scratch directory");
    dir
}
