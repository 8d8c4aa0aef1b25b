//! `lite3 backup SRC DEST` and `lite3 restore BACKUP DB`: online copies through SQLite's backup
//! API, with a progress bar on a terminal. Neither replaces an existing file unless asked
//! (`--overwrite`), and a failed copy changes nothing: a backup is written beside DEST and
//! renamed over it only when complete; a restore is one transaction in DB.

use crate::Error;
use crate::database::{self, Wait};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lite3::backup::Progress;
use lite3::{Connection, MAIN_DB};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub(crate) struct BackupArgs {
    /// Database to copy (it must exist; others may keep using it meanwhile).
    pub(crate) src: PathBuf,
    /// File to write the copy to.
    pub(crate) dest: PathBuf,
    /// Replace DEST if it exists (only once the copy is complete).
    #[arg(long)]
    overwrite: bool,
    #[command(flatten)]
    wait: Wait,
}

#[derive(clap::Args)]
pub(crate) struct RestoreArgs {
    /// The backup to restore from (it must be a database).
    pub(crate) backup: PathBuf,
    /// Database whose content is replaced by the backup's (created if missing).
    pub(crate) db: PathBuf,
    /// Replace the content of DB if it exists.
    #[arg(long)]
    overwrite: bool,
    #[command(flatten)]
    wait: Wait,
}

fn refuse_existing(path: &Path, overwrite: bool) -> Result<(), Error> {
    if path.exists() && !overwrite {
        return Err(Error::Input(format!(
            "{}: already exists; pass --overwrite to replace it",
            path.display()
        )));
    }
    Ok(())
}

/// A bar over the source's pages, on a terminal only.
fn pages_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:30} {percent:>3}% {pos}/{len} pages ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

fn show(bar: &ProgressBar) -> impl Fn(Progress) + '_ {
    move |p: Progress| {
        let total = u64::try_from(p.pagecount).unwrap_or(0);
        bar.set_length(total);
        bar.set_position(total.saturating_sub(u64::try_from(p.remaining).unwrap_or(0)));
    }
}

/// Copies `from` into `to` with SQLite's backup API, showing progress on `bar`.
fn copy_pages(from: &Connection, to: &mut Connection, bar: &ProgressBar) -> Result<(), Error> {
    use lite3::backup::StepResult;
    let backup = lite3::backup::Backup::new(from, to)?;
    let show = show(bar);
    loop {
        match backup.step(128)? {
            StepResult::Done => return Ok(()),
            StepResult::More => show(backup.progress()),
            // Another connection holds a lock: let it finish, then step again.
            _ => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    }
}

pub(crate) fn run_backup(args: &BackupArgs) -> Result<(), Error> {
    let src = database::open_existing(&args.src, &args.wait)?;
    refuse_existing(&args.dest, args.overwrite)?;
    let mut partial = args.dest.as_os_str().to_owned();
    partial.push(format!(".lite3-partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let bar = pages_bar();
    let copied = match args.wait.keys.encryption()? {
        // An encrypted database is copied page for page into a copy with the same key.
        Some(encryption) => Connection::open_encrypted(&partial, &encryption)
            .map_err(Error::from)
            .and_then(|mut copy| copy_pages(&src, &mut copy, &bar))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&partial);
            }),
        None => src
            .backup(MAIN_DB, &partial, Some(show(&bar)))
            .map_err(Error::from),
    }
    .map_err(|e| database::at(&args.src, e));
    bar.finish_and_clear();
    copied?;
    std::fs::rename(&partial, &args.dest).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        Error::Input(format!(
            "{}: cannot put the copy in place: {e}",
            args.dest.display()
        ))
    })?;
    let pages: i64 = src.pragma_query_one(None, "page_count").unwrap_or(0);
    eprintln!(
        "copied {} ({pages} pages) to {}",
        args.src.display(),
        args.dest.display()
    );
    Ok(())
}

pub(crate) fn run_restore(args: &RestoreArgs) -> Result<(), Error> {
    // Checked first: a backup that is missing or not a database never touches DB.
    drop(database::open_existing(&args.backup, &args.wait)?);
    refuse_existing(&args.db, args.overwrite)?;
    let mut db = database::open(&args.db, lite3::OpenFlags::default(), &args.wait)?;
    let bar = pages_bar();
    let restored = if args.wait.keys.encryption()?.is_some() {
        // Both files are encrypted with the key: the backup opens with it too.
        database::open_existing(&args.backup, &args.wait)
            .and_then(|backup| copy_pages(&backup, &mut db, &bar))
    } else {
        db.restore(MAIN_DB, &args.backup, Some(show(&bar)))
            .map_err(Error::from)
    }
    .map_err(|e| database::at(&args.db, e));
    bar.finish_and_clear();
    restored?;
    drop::<Connection>(db);
    eprintln!(
        "restored {} from {}",
        args.db.display(),
        args.backup.display()
    );
    Ok(())
}
