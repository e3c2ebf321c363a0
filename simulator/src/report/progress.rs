//! A one-line progress bar on stderr for long batches of runs. It shows only when
//! stderr is a terminal and the batch has at least [`Progress::MIN_RUNS`] runs, so logs,
//! pipes and CI output stay clean. Safe to share between threads (`&self` methods).

use super::truncate;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// A progress bar: `[#########---------------]  12/40  options-lossy seed 7`.
#[derive(Debug)]
pub struct Progress {
    /// `None` when hidden.
    state: Option<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    total: usize,
    done: usize,
    width: usize,
    finished: bool,
}

/// Cells in the bar itself.
const BAR: usize = 24;

impl Progress {
    /// Batches smaller than this get no bar.
    pub const MIN_RUNS: usize = 20;

    /// A bar for `total` runs; hidden when stderr is not a terminal or `total` is small.
    pub fn new(total: usize) -> Progress {
        let visible = total >= Self::MIN_RUNS && std::io::stderr().is_terminal();
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(80);
        Progress {
            state: visible.then(|| {
                Mutex::new(State {
                    total,
                    done: 0,
                    width,
                    finished: false,
                })
            }),
        }
    }

    /// Whether the bar is drawn at all.
    pub fn is_visible(&self) -> bool {
        self.state.is_some()
    }

    /// One more run finished; `name` says which (`options-lossy seed 7`).
    pub fn inc(&self, name: &str) {
        let Some(Ok(mut state)) = self.state.as_ref().map(Mutex::lock) else {
            return;
        };
        state.done = (state.done + 1).min(state.total);
        let line = render(state.done, state.total, name, state.width);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
    }

    /// Clears the bar (also done on drop).
    pub fn finish(&self) {
        let Some(Ok(mut state)) = self.state.as_ref().map(Mutex::lock) else {
            return;
        };
        if !state.finished {
            state.finished = true;
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The bar's text, at most `width - 1` characters.
fn render(done: usize, total: usize, name: &str, width: usize) -> String {
    let filled = (done * BAR).checked_div(total).unwrap_or(BAR).min(BAR);
    let count = format!("{done:>w$}/{total}", w = total.to_string().len());
    let head = format!(
        "[{}{}]  {count}  ",
        "#".repeat(filled),
        "-".repeat(BAR - filled)
    );
    let room = width.saturating_sub(head.len() + 1);
    let mut line = head + &truncate(name, room, "…");
    if line.chars().count() >= width {
        line = truncate(&line, width.saturating_sub(1), "");
    }
    line.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_in_proportion_and_fits_the_width() {
        assert_eq!(
            render(0, 40, "a", 80),
            "[------------------------]   0/40  a"
        );
        assert_eq!(
            render(10, 40, "a", 80),
            "[######------------------]  10/40  a"
        );
        assert_eq!(
            render(40, 40, "done", 80),
            "[########################]  40/40  done"
        );
        let long = render(3, 40, &"x".repeat(200), 60);
        assert_eq!(long.chars().count(), 59);
        assert!(long.ends_with('…'));
        assert!(render(1, 40, "name", 10).chars().count() <= 9);
        assert_eq!(render(0, 0, "", 80), "[########################]  0/0");
    }

    #[test]
    fn small_batches_and_non_terminals_get_no_bar() {
        let small = Progress::new(Progress::MIN_RUNS - 1);
        assert!(!small.is_visible());
        small.inc("a");
        small.finish();
        // Under the test harness stderr is captured or piped: never a terminal.
        if !std::io::stderr().is_terminal() {
            assert!(!Progress::new(1000).is_visible());
        }
    }
}
