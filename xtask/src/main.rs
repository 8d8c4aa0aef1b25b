//! `cargo xtask <task>`: lite3's project automation, in Rust so it runs the same everywhere.
//! One module per task; this file only dispatches.
#![forbid(unsafe_code)]

mod bench;
mod bindings;
mod ci;
mod cmd;
mod crash;
mod deny;
mod dist;
mod elf;
mod encryption_interop;
mod fuzz;
mod interop;
mod leak;
mod libclang;
mod msrv;
mod package_check;
mod replicate;
mod tools;
mod vendor;
// SQLite version parsing, shared with lite3-sys's build script.
#[path = "../../crates/lite3-sys/build/version.rs"]
#[allow(
    dead_code,
    reason = "shared with the build script, which uses all of it"
)]
mod version;

use std::process::ExitCode;

const TASKS: &str = "\
usage: cargo xtask <task> [options]

tasks:
  bindings [--check] [--system-header PATH]
        regenerate the committed bindgen output in crates/lite3-sys/src/bindings/
        (--check: fail if it is stale instead of writing)
  vendor [--check]
        copy the pins and compile options from vendor/ into crates/lite3-sys/vendor/, which the
        packaged crate needs (--check: fail if the copy differs instead of writing)
  package-check [--install]
        cargo package (verified) for lite3-sys, lite3 and lite3-cli; then, from a local directory
        source holding them and their dependencies instead of crates.io, builds and runs an
        application that depends on lite3 by version (default features, then system) and
        cargo-installs lite3-cli and runs a query
  msrv [--install]
        cargo check of lite3-sys, lite3 and lite3-cli with exactly the Rust version their
        rust-version declares (installed with rustup when --install allows)
  replicate-check [--seconds N] [--install]
        lite3 under Litestream: a Connection, a Pool and a Worker commit tagged transactions while
        `litestream replicate` copies the database to a file:// replica; after a clean stop, and
        again after killing the writer with SIGKILL, `litestream restore` rebuilds it and every
        acknowledged transaction must be there, whole (default 4 s of writes per round)
  crash [--rounds N] [--seed S]
        the crash loop: a Connection, a Pool and a Worker commit tagged transactions and are
        killed with SIGKILL at random points, on a WAL and a rollback-journal database in turn;
        after every kill, every acknowledged transaction must be there, none partial, integrity
        ok (default 20 rounds)
  fuzz [--seconds N] [--target NAME]... [--install]
        the cargo-fuzz targets in fuzz/ (sql: SQL and parameters through the safe API; db_file:
        database file bytes; import: the CLI's CSV/NDJSON import) under libFuzzer and
        AddressSanitizer, SQLite's C instrumented by clang, N seconds each (default 60); prints
        executions, executions/s and corpus size; a crash becomes fuzz/regressions/<target>/…,
        replayed by `cargo test`
  dist [--target T]... [--pgo] [--install]
        static release builds of `lite3` (default: x86_64 and aarch64 musl; zig cross-compiles),
        checked static from the ELF headers, smoke-tested (aarch64 under qemu), packed into
        target/dist/lite3-<version>-<target>.tar.gz with SHA256SUMS; --pgo builds them with
        profile-guided optimisation (trained on the workloads and an import) and prints the gain
        against the plain build
  leak [--self-test] [--install]
        the leak-stress workload under valgrind and AddressSanitizer/LeakSanitizer;
        --self-test plants a leak and passes only if both tools catch it
  deny [--install]
        cargo-deny licences, bans, sources (and advisories when reachable); the vendored
        SQLite against vendor/sqlite3mc/CVES.txt
  bench [--rows N] [--rounds R] [--instructions] [--user-shaped] [--cross-lto] [--import]
        [--ciphers] [--install]
        `lite3 bench` against the C baseline (xtask/c/workloads.c, same amalgamation and options),
        alternately; checks checksums agree; prints median ms and the lite3/C ratio per workload;
        --instructions counts instructions per workload with callgrind instead (exact, 100,000
        rows by default); --cross-lto builds both sides with clang-22 and link-time optimisation
        (lite3 through rustc's linker-plugin LTO); --import also times `lite3 import` against the
        sqlite3 shell's .import (1,000,000 rows); --ciphers compares `lite3 bench` on plaintext
        with `lite3 bench --cipher NAME` for each cipher instead (time, or --instructions);
        --user-shaped measures xtask/user-shaped (the workloads as an application writes them,
        Cargo's default release profile) instead of `lite3 bench`
  interop [--install]
        the rusqlite-compatibility proofs: compat's tests run against rusqlite 0.43 itself (so
        they are rusqlite code); then one rusqlite-style program built
        against rusqlite 0.43 and against lite3 writes every integrated type (chrono, time, jiff,
        uuid, url, serde_json, i128_blob); each reads the other's database, and both must store
        byte-identical values; then encrypted files both ways with SQLCipher 4 and 3 and
        apsw-sqlite3mc (--install installs them)
  ci [--install]
        the whole CI gate: fmt, clippy, tests (vendored, system, single-thread, OOM), bindings,
        deny, leak (and its self-test), dist for the native target, msrv, the user-shaped
        benchmark (smoke), the crash loop (short), fuzzing (short), interop, replicate-check, package-check

--install lets a task install what it lacks (rustup targets, Debian packages, PyPI packages
into target/tools, cargo tools), saying what it installs.";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let result = match args.next().as_deref() {
        Some("bindings") => bindings::run(args.collect()),
        Some("vendor") => vendor::run(args.collect()),
        Some("package-check") => package_check::run(args.collect()),
        Some("msrv") => msrv::run(args.collect()),
        Some("bench") => bench::run(args.collect()),
        Some("dist") => dist::run(args.collect()),
        Some("leak") => leak::run(args.collect()),
        Some("deny") => deny::run(args.collect()),
        Some("interop") => interop::run(args.collect()),
        Some("replicate-check") => replicate::run(args.collect()),
        Some("crash") => crash::run(args.collect()),
        Some("fuzz") => fuzz::run(args.collect()),
        Some("ci") => ci::run(args.collect()),
        None | Some("help" | "-h" | "--help") => {
            println!("{TASKS}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task {other:?}\n\n{TASKS}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}
