//! How TCP connections end: broken (timeout, reset), and forgotten once both ends are
//! dropped and nothing of them is on the way.

use super::state::State;
use std::io;
use std::task::Waker;
use tokio::time::Instant;

impl State {
    /// Breaks `conn`: both ends' reads and writes fail with `kind` from now on.
    pub fn break_conn(&mut self, conn: u64, kind: io::ErrorKind, reason: &str) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if c.broken.is_some() {
            return;
        }
        c.broken = Some(kind);
        let mut lost = Vec::new();
        for (from, dir) in c.dirs.iter_mut().enumerate() {
            for s in dir.stuck.drain(..) {
                if let Some(d) = s.data {
                    lost.push((from, d, s.sent, dir.stuck_fate));
                }
            }
        }
        for end in &mut c.ends {
            end.wakers.drain(..).for_each(Waker::wake);
        }
        let c = &self.conns[&conn];
        for (from, data, sent, fate) in lost {
            self.record_segment(c, from, &data, sent, fate);
        }
        if !c.closed {
            self.tcp_event(c, reason);
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.closed = true;
        }
        self.reap(conn);
    }

    /// End `end` of `conn` was dropped: FIN, and forget the connection once done.
    pub fn drop_end(&mut self, conn: u64, end: usize) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let e = &mut c.ends[end];
        e.dropped = true;
        e.buf.clear();
        if !e.fin_sent && c.broken.is_none() {
            e.fin_sent = true;
            self.tcp_send(conn, end, None, Instant::now());
        }
        self.reap(conn);
    }

    /// Forgets `conn` when both ends are dropped and nothing of it is on the way.
    pub fn reap(&mut self, conn: u64) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let idle = c
            .dirs
            .iter()
            .all(|d| d.in_flight == 0 && d.stuck.is_empty());
        if c.ends.iter().all(|e| e.dropped) && (c.broken.is_some() || idle) {
            let (private, public) = (c.local[0], c.seen[0]);
            self.conns.remove(&conn);
            if private != public {
                self.nat_tcp_close(public);
            }
        }
    }
}
