//! Taking turns on a shared peer across test binaries. `cargo test` runs each file of
//! tests/tests as its own process, possibly at the same time, and baresip (carol) is one
//! user with one recording directory: a `tokio::sync::Mutex` only orders the tests of
//! one binary. A turn is a lock file in the peers' run directory, created with
//! `create_new` (atomic: exactly one process or thread wins) and holding the holder's
//! pid; it is removed when the [`Turn`] drops. A file left by a process that died
//! (its pid gone from /proc) or older than [`STALE_AFTER`] is taken over. Waiting is
//! bounded by [`WAIT_LIMIT`].

use crate::peers::peers_run;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How long a test waits for its turn before failing.
pub const WAIT_LIMIT: Duration = Duration::from_secs(300);
/// A lock file older than this is stale whoever holds it: no test keeps a peer longer.
pub const STALE_AFTER: Duration = Duration::from_secs(600);

/// A held turn; dropping it hands the peer to the next test.
#[derive(Debug)]
pub struct Turn {
    path: PathBuf,
}

impl Drop for Turn {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Waits for the turn on baresip (`$PEERS_RUN/baresip.turn`); `test` names the waiter
/// in the lock file and in the panic when [`WAIT_LIMIT`] passes.
pub async fn baresip_turn(test: &str) -> Turn {
    let dir = peers_run();
    let _ = std::fs::create_dir_all(&dir);
    take_turn(&dir.join("baresip.turn"), test, WAIT_LIMIT).await
}

/// Waits (polling every 50 ms, at most `limit`) until `path` can be created; the turn.
pub async fn take_turn(path: &Path, test: &str, limit: Duration) -> Turn {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(mut file) => {
                let _ = writeln!(file, "{} {test}", std::process::id());
                return Turn {
                    path: path.to_owned(),
                };
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if let Some(holder) = stale(path) {
                    // Remove only what we judged stale: a file re-created meanwhile
                    // by a live test has other contents.
                    if std::fs::read_to_string(path).ok().as_deref() == Some(holder.as_str()) {
                        let _ = std::fs::remove_file(path);
                    }
                    continue;
                }
            }
            Err(e) => panic!("{test}: cannot create {}: {e}", path.display()),
        }
        if tokio::time::Instant::now() >= deadline {
            let holder = std::fs::read_to_string(path).unwrap_or_default();
            panic!(
                "{test}: no turn on {} within {limit:?}; held by `{}`",
                path.display(),
                holder.trim()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The lock file's contents when its holder is gone (no /proc entry for its pid) or
/// it is older than [`STALE_AFTER`]; `None` while it is held (or unreadable).
fn stale(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let pid: u32 = text.split_whitespace().next()?.parse().ok()?;
    let dead = !Path::new(&format!("/proc/{pid}")).exists();
    let old = File::open(path)
        .and_then(|f| f.metadata())
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > STALE_AFTER);
    (dead || old).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn one_holder_at_a_time_and_dead_holders_lose_it() {
        let dir = std::env::temp_dir().join(format!("sb-turn-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.turn");
        let _ = std::fs::remove_file(&path);
        let first = take_turn(&path, "first", Duration::from_secs(1)).await;
        let waiting = tokio::spawn({
            let path = path.clone();
            async move { take_turn(&path, "second", Duration::from_secs(5)).await }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiting.is_finished(), "the second waits for the first");
        drop(first);
        let second = waiting.await.unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("second"));
        drop(second);
        assert!(!path.exists());
        // A holder whose process is gone (pid 0 never has a /proc entry).
        std::fs::write(&path, "0 crashed\n").unwrap();
        let third = take_turn(&path, "third", Duration::from_secs(1)).await;
        assert!(std::fs::read_to_string(&path).unwrap().contains("third"));
        drop(third);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
