//! Replays the fuzz targets' seeds and every input that once crashed them (`fuzz/seeds/`,
//! `fuzz/regressions/`) through the same harness code the fuzz targets run (`fuzz/harness/`),
//! so that a crash `cargo xtask fuzz` found stays fixed in every `cargo test`.

mod common;

#[path = "../../../fuzz/harness/sql.rs"]
mod sql;

#[path = "../../../fuzz/harness/db_file.rs"]
mod db_file;

#[path = "../../../fuzz/harness/inputs.rs"]
mod inputs;

fn fuzz_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn sql_inputs_that_once_mattered_still_pass() {
    let _turn = common::sqlite_turn();
    for file in inputs::inputs(&fuzz_dir(), "sql") {
        println!("{}", file.display());
        sql::run(&std::fs::read(&file).unwrap());
    }
}

#[test]
fn database_files_that_once_mattered_still_pass() {
    let _turn = common::sqlite_turn();
    for file in inputs::inputs(&fuzz_dir(), "db_file") {
        println!("{}", file.display());
        db_file::run(&std::fs::read(&file).unwrap());
    }
}
