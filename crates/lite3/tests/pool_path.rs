//! A pool built on a relative path keeps talking to that file after the process changes its
//! working directory. Its own test binary: it changes the whole process's current directory.
#![cfg(not(feature = "single-thread"))]

mod common;

use common::TempDir;
use lite3::Pool;

#[test]
fn a_pool_on_a_relative_path_opens_the_same_file_after_a_chdir() {
    let dir = TempDir::new("pool-relative");
    // Characters that mean something in a URI must reach SQLite percent-encoded.
    let home = dir.0.join("odd ?%# name");
    let elsewhere = dir.0.join("elsewhere");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    for (path, table) in [("relative.db", "t"), ("file:relative-uri.db", "u")] {
        std::env::set_current_dir(&home).unwrap();
        let pool = Pool::builder(path).readers(2).build().unwrap();
        pool.write()
            .unwrap()
            .execute_batch(&format!(
                "CREATE TABLE {table}(x); INSERT INTO {table} VALUES (1)"
            ))
            .unwrap();
        std::env::set_current_dir(&elsewhere).unwrap();
        // Readers are opened on first use, now, in the other directory.
        let readers: Vec<_> = (0..2).map(|_| pool.read().unwrap()).collect();
        for reader in &readers {
            let n: i64 = reader
                .query_row(&format!("SELECT count(*) FROM {table}"), (), |r| r.get(0))
                .unwrap();
            assert_eq!(n, 1, "{path}: a reader opened a different file");
        }
    }
    assert!(home.join("relative.db").exists());
    assert!(home.join("relative-uri.db").exists());
    assert!(!elsewhere.join("relative.db").exists());
    assert!(!elsewhere.join("relative-uri.db").exists());
    std::env::set_current_dir(std::env::temp_dir()).unwrap();
}
