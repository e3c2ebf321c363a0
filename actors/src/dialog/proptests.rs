//! Random sequences of responses, in-dialog requests and timers.

use super::testkit::*;
use super::*;
use crate::sip::{Method, StatusCode};
use crate::transaction::TimerConfig;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::time::Instant;

const TAGS: [&str; 3] = ["b1", "b2", "b3"];
const METHODS: [Method; 4] = [Method::Info, Method::Update, Method::Invite, Method::Bye];

#[derive(Debug, Clone)]
enum Step {
    /// A response to the INVITE from fork `tag` with this status.
    ToInvite(usize, u16),
    /// We send a request on fork `tag`'s dialog.
    Send(usize, usize),
    /// A response to our last request on fork `tag`'s dialog.
    Answer(usize, u16),
    /// A request from fork `tag` with this CSeq.
    Incoming(usize, usize, u32),
}

fn step() -> impl Strategy<Value = Step> {
    let status = prop_oneof![
        Just(100u16),
        Just(180),
        Just(183),
        Just(200),
        Just(202),
        Just(408),
        Just(481),
        Just(486),
        Just(491),
        Just(603)
    ];
    prop_oneof![
        (0..3usize, status.clone()).prop_map(|(t, s)| Step::ToInvite(t, s)),
        (0..3usize, 0..4usize).prop_map(|(t, m)| Step::Send(t, m)),
        (0..3usize, status).prop_map(|(t, s)| Step::Answer(t, s)),
        (0..3usize, 0..4usize, 0..20u32).prop_map(|(t, m, s)| Step::Incoming(t, m, s)),
    ]
}

/// A request from fork `tag` to us in Alice's dialog.
fn from_bob(tag: &str, method: &Method, seq: u32) -> crate::sip::Request {
    request(&format!(
        "{method} sip:alice@192.0.2.1:5060 SIP/2.0\n\
         Via: SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKb{seq}\n\
         From: Bob <sip:bob@biloxi.example.com>;tag={tag}\n\
         To: Alice <sip:alice@atlanta.example.com>;tag=a1\n\
         Call-ID: c1@192.0.2.1\n\
         CSeq: {seq} {method}\n\
         Contact: <sip:bob@{tag}.moved.example.com>\n\
         Content-Length: 0\n\n"
    ))
}

fn states(set: &DialogSet) -> BTreeMap<String, DialogState> {
    set.dialogs()
        .map(|d| (d.id().remote_tag.clone(), d.state()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Never panics; our CSeq strictly increases per dialog; at most one 2xx confirms
    /// a dialog of the set (later forks are ACKed and BYEd); every state change is in
    /// `TRANSITIONS`.
    #[test]
    fn dialog_sets_follow_the_rules(steps in prop::collection::vec(step(), 0..40), seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut set = DialogSet::new(invite()).unwrap_or_else(|e| panic!("{e}"));
        let mut last_sent: BTreeMap<String, (u32, Method)> = BTreeMap::new();
        let mut confirmed = 0;
        let mut byes = 0;
        for s in steps {
            let before = states(&set);
            match s {
                Step::ToInvite(t, status) => {
                    let _ = set.recv_response(&to_invite(status, TAGS[t]), &mut rng);
                }
                Step::Send(t, m) => {
                    if let Some(d) = set.dialog_mut(TAGS[t]) {
                        let floor = d.local_cseq();
                        if let Ok(r) = d.request(METHODS[m].clone()) {
                            let seq = r.cseq().map(|c| c.seq).unwrap_or(0);
                            prop_assert_eq!(seq, floor);
                            prop_assert!(d.local_cseq() > seq);
                            if let Some((prev, _)) = last_sent.get(TAGS[t]) {
                                prop_assert!(seq > *prev, "CSeq {} after {}", seq, prev);
                            }
                            last_sent.insert(TAGS[t].into(), (seq, METHODS[m].clone()));
                        }
                    }
                }
                Step::Answer(t, status) => {
                    if let Some((seq, method)) = last_sent.get(TAGS[t]) {
                        let resp = answer(status, TAGS[t], &format!("{seq} {method}"), "b.example.com", "");
                        let _ = set.recv_response(&resp, &mut rng);
                    }
                }
                Step::Incoming(t, m, seq) => {
                    if let Some(d) = set.dialog_mut(TAGS[t]) {
                        let last = d.remote_cseq();
                        let r = d.recv_request(&from_bob(TAGS[t], &METHODS[m], seq));
                        if let (Some(last), Ok(_)) = (last, &r) {
                            prop_assert!(seq >= last);
                        }
                        if let Err(e) = &r {
                            prop_assert!(e.status().as_u16() >= 400);
                        }
                    }
                }
            }
            while let Some(o) = set.poll_output() {
                match o {
                    SetOutput::Event(DialogEvent::Confirmed(_)) => confirmed += 1,
                    SetOutput::Bye(b) => {
                        byes += 1;
                        let tag = b.to().ok().and_then(|t| t.tag().map(str::to_owned)).unwrap_or_default();
                        prop_assert_ne!(Some(tag.as_str()), set.confirmed().map(|d| d.id().remote_tag.as_str()));
                        if let Ok(c) = b.cseq() {
                            last_sent.insert(tag, (c.seq, Method::Bye));
                        }
                    }
                    _ => {}
                }
            }
            let after = states(&set);
            for (tag, to) in &after {
                match before.get(tag) {
                    Some(from) if from != to => prop_assert!(from.can_become(*to), "{:?} -> {:?}", from, to),
                    _ => {}
                }
            }
        }
        prop_assert!(confirmed <= 1, "{} dialogs confirmed by the INVITE", confirmed);
        prop_assert!(byes <= 3);
    }

    /// The 2xx retransmitter never retransmits after the ACK or past 64·T1, its
    /// intervals never exceed T2, and it always ends.
    #[test]
    fn ack_wait_ends(acks in prop::collection::vec((0u64..40_000, any::<bool>()), 0..6)) {
        let t0 = Instant::now(); // clock-ok: test code
        let timers = TimerConfig::default();
        let mut w = AckWait::new(t0, to_invite(200, "b1"), &timers);
        let ack = request("ACK sip:bob@b1.example.com SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\nFrom: <sip:alice@atlanta.example.com>;tag=a1\nTo: <sip:bob@biloxi.example.com>;tag=b1\nCall-ID: c1@192.0.2.1\nCSeq: 10 ACK\nContent-Length: 0\n\n");
        let mut acks: Vec<_> = acks.into_iter().map(|(ms, ours)| (t0 + Duration::from_millis(ms), ours)).collect();
        acks.sort();
        let mut prev = t0;
        let mut acked_at = None;
        while let Some(at) = w.poll_timeout() {
            prop_assert!(at - prev <= timers.t2);
            prop_assert!(at <= t0 + timers.t1 * 64);
            if let Some((when, ours)) = acks.first().copied().filter(|(when, _)| *when < at) {
                acks.remove(0);
                let mut a = ack.clone();
                if !ours {
                    a.headers.set(crate::sip::HeaderName::CSeq, "9 ACK");
                }
                w.handle(when, AckWaitInput::Ack(a));
                if ours {
                    acked_at = Some(when);
                }
                continue;
            }
            w.handle(at, AckWaitInput::Timer);
            while let Some(o) = w.poll_output() {
                if let AckWaitOutput::Retransmit(_) = o {
                    prop_assert!(acked_at.is_none());
                }
            }
            prev = at;
        }
        prop_assert!(w.is_acked() != w.is_timed_out());
    }

    /// The 491 back-off always falls in the RFC 3261 §14.1 range for the role.
    #[test]
    fn glare_backoff_in_range(seed in any::<u64>(), owner in any::<bool>()) {
        let role = if owner { Role::Uac } else { Role::Uas };
        let mut g = ReinviteGuard::new(role, ChaCha8Rng::seed_from_u64(seed));
        let t0 = Instant::now(); // clock-ok: test code
        prop_assert!(g.handle(t0, ReinviteInput::Send).is_ok());
        prop_assert!(g.handle(t0, ReinviteInput::Answered(StatusCode::REQUEST_PENDING)).is_ok());
        let wait = g.poll_timeout().map(|at| at - t0).unwrap_or_default();
        let (lo, hi) = if owner { (2100, 4000) } else { (0, 2000) };
        prop_assert!((lo..=hi).contains(&wait.as_millis()), "{:?}", wait);
        prop_assert_eq!(wait.as_millis() % 10, 0);
    }
}
