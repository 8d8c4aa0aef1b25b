"""The other side of `cargo xtask interop`'s encryption check: real SQLCipher 4 (PyPI's
sqlcipher3-binary) and another SQLite3 Multiple Ciphers build (PyPI's apsw-sqlite3mc) read the
files lite3 wrote and write their own for lite3 to read.

Usage: encryption_interop.py DIR PASSPHRASE CIPHER... (each cipher as lite3 names it).
Reads DIR/lite3-CIPHER.db; writes DIR/sqlcipher4.db and DIR/apsw-CIPHER.db.
"""

import sys

directory, passphrase, ciphers = sys.argv[1], sys.argv[2], sys.argv[3:]
EXPECTED = ("from lite3", 42)


def quoted(text):
    return "'" + text.replace("'", "''") + "'"


def sqlite3mc_settings(cipher):
    """PRAGMAs that select lite3's cipher NAME in SQLite3 Multiple Ciphers."""
    if cipher.startswith("sqlcipher"):
        version = cipher[len("sqlcipher"):] or "4"
        return ["PRAGMA cipher = 'sqlcipher'", f"PRAGMA legacy = {version}"]
    return [f"PRAGMA cipher = {quoted(cipher)}"]


def check(found, where):
    if tuple(found) != EXPECTED:
        sys.exit(f"{where}: read {found!r}, expected {EXPECTED!r}")


# SQLCipher 4 itself.
from sqlcipher3 import dbapi2 as sqlcipher

if "sqlcipher" in ciphers:
    db = sqlcipher.connect(f"{directory}/lite3-sqlcipher.db")
    db.execute(f"PRAGMA key = {quoted(passphrase)}")
    check(db.execute("SELECT who, n FROM t").fetchone(), "SQLCipher 4 reading lite3's file")
    db.close()
    print("SQLCipher 4 (sqlcipher3) read lite3's sqlcipher file")
db = sqlcipher.connect(f"{directory}/sqlcipher4.db")
db.execute(f"PRAGMA key = {quoted(passphrase)}")
db.execute("CREATE TABLE t AS SELECT 'from sqlcipher4' AS who, 4 AS n")
db.commit()
db.close()

# Another SQLite3 Multiple Ciphers: every cipher both ways.
import apsw

for cipher in ciphers:
    db = apsw.Connection(f"{directory}/lite3-{cipher}.db")
    for pragma in sqlite3mc_settings(cipher):
        db.execute(pragma)
    db.execute(f"PRAGMA key = {quoted(passphrase)}")
    check(db.execute("SELECT who, n FROM t").fetchone(), f"apsw-sqlite3mc reading lite3's {cipher}")
    db.close()
    db = apsw.Connection(f"{directory}/apsw-{cipher}.db")
    for pragma in sqlite3mc_settings(cipher):
        db.execute(pragma)
    db.execute(f"PRAGMA key = {quoted(passphrase)}")
    db.execute("CREATE TABLE t AS SELECT 'from apsw' AS who, 7 AS n")
    db.close()
print(f"apsw-sqlite3mc {apsw.mc_version} read lite3's files: {' '.join(ciphers)}")
