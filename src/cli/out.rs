//! Standard output: the one way every subcommand writes to it.
//!
//! When the reader goes away (`rights test | head -1`, `… | true`), the
//! command ends quietly with exit 0, as ripgrep does: the reader had what it
//! wanted, and a closed pipe is neither the policy's error nor our bug. Any
//! other write error (a full disk) is reported once and exits 2.

use super::{EXIT_OK, EXIT_USAGE};
use std::io::{self, Write};

/// Standard output, ending the process quietly on a closed pipe. Buffer it
/// (`BufWriter::new(Out)`) where many small writes are made.
pub struct Out;

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        ended(io::stdout().lock().write(buf))
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        ended(io::stdout().lock().write_all(buf))
    }
    fn flush(&mut self) -> io::Result<()> {
        ended(io::stdout().lock().flush())
    }
}

/// Standard output for a long-running writer beside other work (the
/// decision log of `rights serve`): a closed pipe or any other error loses
/// the lines, and ends nothing.
pub struct Lenient;

impl Write for Lenient {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let _ = io::stdout().lock().write_all(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        let _ = io::stdout().lock().flush();
        Ok(())
    }
}

/// A closed pipe ends the process here; every other result is returned.
fn ended<T>(r: io::Result<T>) -> io::Result<T> {
    match r {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(EXIT_OK),
        r => r,
    }
}

/// Whether standard output is a terminal.
pub fn is_terminal() -> bool {
    use std::io::IsTerminal;
    io::stdout().is_terminal()
}

/// Whether to colour what goes to a stream: only a terminal, and never
/// with `NO_COLOR` set (to anything but empty). The one place that decides.
pub fn colour(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// [`colour`] for standard output.
pub fn colour_stdout() -> bool {
    colour(is_terminal())
}

/// Writes and flushes; a write error other than a closed pipe is reported
/// and ends the process with exit 2. Used through `out!` and `outln!`.
pub fn print(args: std::fmt::Arguments) {
    let mut out = Out;
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(EXIT_USAGE);
    }
}

/// `print!` through [`Out`].
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::print(format_args!($($arg)*)) };
}

/// `println!` through [`Out`].
macro_rules! outln {
    () => { $crate::cli::out::print(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::out::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {out, outln};
