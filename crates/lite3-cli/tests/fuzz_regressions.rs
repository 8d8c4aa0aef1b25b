//! Replays the `import` fuzz target's seeds and every input that once crashed it
//! (`fuzz/seeds/import`, `fuzz/regressions/import`) through the same harness code the fuzz
//! target runs (`fuzz/harness/import.rs`), so that a crash `cargo xtask fuzz` found stays fixed
//! in every `cargo test`.

#[path = "../../../fuzz/harness/import.rs"]
mod import;

#[path = "../../../fuzz/harness/inputs.rs"]
mod inputs;

#[test]
fn import_inputs_that_once_mattered_still_pass() {
    let fuzz = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    for file in inputs::inputs(&fuzz, "import") {
        println!("{}", file.display());
        import::run(&std::fs::read(&file).unwrap());
    }
    let scratch = std::env::temp_dir().join(format!("lite3-fuzz-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(scratch);
}
