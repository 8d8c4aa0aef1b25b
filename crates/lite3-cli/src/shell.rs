//! `lite3 shell DB`: an interactive SQL prompt. On a terminal it edits lines and keeps a history
//! (`$LITE3_HISTORY`, else `~/.lite3_history`); a statement may span lines and runs once SQLite
//! sees it complete (`;` outside strings, comments and trigger bodies). Lines starting with `.`
//! are the shell's own commands (`.help`). Piped input is read the same way, without prompts,
//! and a failing statement makes the exit status 1 once the input is done.

use crate::Error;
use crate::database;
use crate::dump::write_dump;
use crate::output::{self, Format, Printing};
use crate::schema::{write_schema, write_tables};
use crate::script;
use clap::ValueEnum as _;
use lite3::Connection;
use rustyline::error::ReadlineError;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub(crate) struct Args {
    /// Database file (created if missing, unless --read-only).
    pub(crate) db: PathBuf,
    /// `--format` is where the session starts; `.mode` changes it.
    #[command(flatten)]
    printing: Printing,
    #[command(flatten)]
    access: database::Access,
}

const HELP: &str = "\
Statements end with ';' and may span several lines. Ctrl-C drops the statement being typed
or stops the one running; Ctrl-D (or .quit) leaves. Shell commands:
  .help             this text
  .tables           the tables and views
  .schema [TABLE]   CREATE statements (of one table and its indexes and triggers)
  .mode FORMAT      output format: table, csv, json or ndjson
  .dump             SQL text that recreates the database
  .read FILE        run the statements in FILE
  .quit, .exit      leave the shell";

/// Reports whether every statement succeeded (piped input: a failure makes the exit status 1).
pub(crate) fn run(args: &Args) -> Result<bool, Error> {
    let conn = args.access.open(&args.db)?;
    let mut input = Input::new()?;
    let mut session = Session {
        conn: &conn,
        db: &args.db,
        printing: args.printing,
        interactive: input.is_terminal(),
        failures: 0,
    };
    if session.interactive {
        stop_statements_on_ctrl_c(&conn);
        println!(
            "lite3 {} (SQLite {}) on {}. Enter .help for help.",
            env!("CARGO_PKG_VERSION"),
            lite3::sqlite_version(),
            args.db.display()
        );
    }
    let mut buffer = String::new();
    // Line of the input where `buffer` starts, for messages about piped input.
    let (mut line_number, mut buffer_line) = (0, 1);
    loop {
        let prompt = if buffer.is_empty() {
            "lite3> "
        } else {
            "   ...> "
        };
        let line = match input.read(prompt)? {
            Read::Line(line) => line,
            Read::Interrupted => {
                buffer.clear();
                continue;
            }
            Read::End => break,
        };
        line_number += 1;
        if buffer.is_empty() {
            buffer_line = line_number;
            if line.trim_start().starts_with('.') {
                input.remember(&line);
                match session.command(line.trim())? {
                    Next::Continue => continue,
                    Next::Quit => break,
                }
            }
        }
        buffer.push_str(&line);
        buffer.push('\n');
        if lite3::is_complete(&buffer) {
            input.remember(buffer.trim_end());
            session.statements(&buffer, "<stdin>", buffer_line);
            buffer.clear();
        }
    }
    input.save();
    if !buffer.trim().is_empty() {
        session.fail(&format!(
            "<stdin>:{buffer_line}: incomplete statement at the end of the input (missing ';'?)"
        ));
    }
    Ok(session.failures == 0)
}

/// While the line editor reads, Ctrl-C is a key (it drops the line being typed). While a
/// statement runs, the terminal turns it into SIGINT, which by default would kill the shell and
/// lose the session: instead it interrupts the statement, which fails with "interrupted", and
/// the prompt comes back. Piped input keeps the default: Ctrl-C ends a script.
fn stop_statements_on_ctrl_c(conn: &Connection) {
    let handle = conn.interrupt_handle();
    if let Err(e) = ctrlc::set_handler(move || handle.interrupt()) {
        eprintln!("lite3: Ctrl-C will end the shell, not the running statement: {e}");
    }
}

struct Session<'a> {
    conn: &'a Connection,
    db: &'a Path,
    printing: Printing,
    interactive: bool,
    failures: usize,
}

enum Next {
    Continue,
    Quit,
}

impl Session<'_> {
    /// Runs the statements of `sql`, which starts at line `first_line` of `source`.
    fn statements(&mut self, sql: &str, source: &str, first_line: usize) {
        let mut out = std::io::stdout().lock();
        let ran = script::run(self.conn, self.db, sql, self.printing, false, &mut out);
        let _ = out.flush();
        if let Err(failure) = ran {
            let message = if self.interactive {
                failure.error.to_string()
            } else {
                format!(
                    "{source}:{}: {}",
                    first_line + failure.line - 1,
                    failure.error
                )
            };
            self.fail(&message);
        }
    }

    fn fail(&mut self, message: &str) {
        self.failures += 1;
        eprintln!(
            "{}{message}",
            if self.interactive {
                "error: "
            } else {
                "lite3: "
            }
        );
    }

    /// A `.command`. Its failures are reported like a statement's and the shell goes on.
    fn command(&mut self, line: &str) -> Result<Next, Error> {
        let (name, argument) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let argument = argument.trim();
        let mut out = std::io::stdout().lock();
        let done: Result<(), Error> = match name {
            ".quit" | ".exit" => return Ok(Next::Quit),
            ".help" => writeln!(out, "{HELP}").map_err(Error::from),
            ".tables" => {
                let mut sink = output::sink(
                    self.printing.format,
                    self.printing.blobs,
                    Box::new(&mut out),
                );
                write_tables(self.conn, sink.as_mut(), false, true)
            }
            ".schema" => write_schema(
                self.conn,
                &mut out,
                Some(argument).filter(|a| !a.is_empty()),
            ),
            ".dump" => write_dump(self.conn, &mut out),
            ".mode" => match Format::from_str(argument, true) {
                Ok(format) => {
                    self.printing.format = format;
                    Ok(())
                }
                Err(_) => Err(Error::Input(format!(
                    ".mode takes table, csv, json or ndjson, not {argument:?}"
                ))),
            },
            ".read" => {
                drop(out);
                match std::fs::read_to_string(argument) {
                    Ok(sql) => {
                        self.statements(&sql, argument, 1);
                        Ok(())
                    }
                    Err(e) => Err(Error::Input(format!("{argument}: {e}"))),
                }
            }
            _ => Err(Error::Input(format!(
                "unknown command {name} (.help lists them)"
            ))),
        };
        if let Err(error) = done {
            let error = database::at(self.db, error);
            self.fail(&error.to_string());
        }
        Ok(Next::Continue)
    }
}

enum Read {
    Line(String),
    /// Ctrl-C: drop what was typed.
    Interrupted,
    End,
}

/// Lines from a terminal (edited, with history) or from piped standard input.
enum Input {
    Terminal {
        editor: Box<rustyline::DefaultEditor>,
        history: Option<PathBuf>,
    },
    Piped(std::io::StdinLock<'static>),
}

impl Input {
    fn new() -> Result<Self, Error> {
        if !std::io::stdin().is_terminal() {
            return Ok(Input::Piped(std::io::stdin().lock()));
        }
        let mut editor = rustyline::DefaultEditor::new()
            .map_err(|e| Error::Input(format!("cannot read the terminal: {e}")))?;
        let history = std::env::var_os("LITE3_HISTORY")
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|home| Path::new(&home).join(".lite3_history"))
            });
        if let Some(path) = &history {
            // A missing history file is the first session, not an error.
            let _ = editor.load_history(path);
        }
        Ok(Input::Terminal {
            editor: Box::new(editor),
            history,
        })
    }

    fn is_terminal(&self) -> bool {
        matches!(self, Input::Terminal { .. })
    }

    fn read(&mut self, prompt: &str) -> Result<Read, Error> {
        match self {
            Input::Terminal { editor, .. } => match editor.readline(prompt) {
                Ok(line) => Ok(Read::Line(line)),
                Err(ReadlineError::Interrupted) => Ok(Read::Interrupted),
                Err(ReadlineError::Eof) => Ok(Read::End),
                Err(e) => Err(Error::Input(format!("cannot read the terminal: {e}"))),
            },
            Input::Piped(stdin) => {
                let mut line = String::new();
                if stdin.read_line(&mut line)? == 0 {
                    return Ok(Read::End);
                }
                let trimmed = line.trim_end_matches(['\n', '\r']).len();
                line.truncate(trimmed);
                Ok(Read::Line(line))
            }
        }
    }

    /// Adds an entry (a whole statement, however many lines it took) to the history.
    fn remember(&mut self, entry: &str) {
        if let Input::Terminal { editor, .. } = self {
            let _ = editor.add_history_entry(entry);
        }
    }

    /// Writes the history file; a history that cannot be saved does not fail the session.
    fn save(&mut self) {
        if let Input::Terminal {
            editor,
            history: Some(path),
        } = self
            && let Err(e) = editor.save_history(path)
        {
            eprintln!(
                "lite3: could not save the history to {}: {e}",
                path.display()
            );
        }
    }
}
