//! Nothing here: the programs are the tests in `tests/`, each written the way a rusqlite user
//! writes that area, asserting results, and built against lite3 under the name `rusqlite`.
