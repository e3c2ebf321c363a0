//! [`DialogSet`] forks, [`AckWait`] and [`ReinviteGuard`].

use super::testkit::*;
use super::*;
use crate::sip::{Method, StatusCode};
use crate::transaction::TimerConfig;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;
use tokio::time::Instant;

fn drain(set: &mut DialogSet) -> Vec<SetOutput> {
    std::iter::from_fn(|| set.poll_output()).collect()
}

fn feed(set: &mut DialogSet, resp: &crate::sip::Response, rng: &mut ChaCha8Rng) -> Vec<SetOutput> {
    set.recv_response(resp, rng)
        .unwrap_or_else(|e| panic!("{e}"));
    drain(set)
}

#[test]
fn forks_make_early_dialogs_and_the_first_2xx_wins() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut set = DialogSet::new(invite()).unwrap_or_else(|e| panic!("{e}"));
    assert!(feed(&mut set, &answer(100, "", "10 INVITE", "", ""), &mut rng).is_empty());
    assert!(matches!(
        &feed(&mut set, &to_invite(180, "b1"), &mut rng)[..],
        [SetOutput::Event(DialogEvent::Early(_))]
    ));
    assert!(matches!(
        &feed(&mut set, &to_invite(183, "b2"), &mut rng)[..],
        [SetOutput::Event(DialogEvent::Early(_))]
    ));
    assert!(
        feed(&mut set, &to_invite(180, "b1"), &mut rng).is_empty(),
        "same fork again"
    );
    assert_eq!(set.dialogs().count(), 2);

    let out = feed(&mut set, &to_invite(200, "b2"), &mut rng);
    let [SetOutput::Ack(ack), SetOutput::Event(DialogEvent::Confirmed(id)), SetOutput::Event(DialogEvent::Terminated(lost))] =
        &out[..]
    else {
        panic!("unexpected {out:?}");
    };
    assert_eq!(ack.cseq().map(|c| c.to_string()), Ok("10 ACK".into()));
    assert_eq!(ack.uri.to_string(), "sip:bob@b2.biloxi.example.com");
    assert_eq!(id.remote_tag, "b2");
    assert_eq!(lost.remote_tag, "b1");
    assert_eq!(
        set.confirmed().map(|d| d.id().remote_tag.as_str()),
        Some("b2")
    );
    assert_eq!(
        set.dialog("b1").map(Dialog::state),
        Some(DialogState::Terminated)
    );

    // The 2xx again: the same ACK, nothing else.
    let again = feed(&mut set, &to_invite(200, "b2"), &mut rng);
    assert_eq!(again, [SetOutput::Ack(ack.clone())]);
}

#[test]
fn a_second_2xx_from_another_fork_gets_ack_then_bye() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let mut set = DialogSet::new(invite()).unwrap_or_else(|e| panic!("{e}"));
    feed(&mut set, &to_invite(180, "b1"), &mut rng);
    feed(&mut set, &to_invite(200, "b1"), &mut rng);
    let out = feed(&mut set, &to_invite(200, "b3"), &mut rng);
    let [SetOutput::Ack(ack), SetOutput::Bye(bye)] = &out[..] else {
        panic!("unexpected {out:?}");
    };
    for r in [ack, bye] {
        assert_eq!(
            r.to().map(|t| t.tag().map(str::to_owned)),
            Ok(Some("b3".into()))
        );
        assert_eq!(r.uri.to_string(), "sip:bob@b3.biloxi.example.com");
    }
    assert_eq!(bye.method, Method::Bye);
    assert_eq!(bye.cseq().map(|c| c.seq), Ok(11));
    assert_eq!(
        set.confirmed().map(|d| d.id().remote_tag.as_str()),
        Some("b1")
    );
    assert_eq!(
        set.dialog("b3").map(Dialog::state),
        Some(DialogState::Terminated)
    );
    // Its retransmission: the same ACK, no second BYE; the BYE's answer is not needed.
    assert_eq!(
        feed(&mut set, &to_invite(200, "b3"), &mut rng),
        [SetOutput::Ack(ack.clone())]
    );
    let bye_ok = answer(200, "b3", "11 BYE", "", "");
    assert_eq!(
        set.recv_response(&bye_ok, &mut rng),
        Err(DialogError::Terminated)
    );
    // A 2xx after the INVITE failed is ACKed and ended too.
    let mut failed = DialogSet::new(invite()).unwrap_or_else(|e| panic!("{e}"));
    feed(&mut failed, &to_invite(486, "b1"), &mut rng);
    let out = feed(&mut failed, &to_invite(200, "b1"), &mut rng);
    assert!(matches!(&out[..], [SetOutput::Ack(_), SetOutput::Bye(_)]));
    assert!(failed.confirmed().is_none());
    assert_eq!(
        set.confirmed().map(Dialog::state),
        Some(DialogState::Confirmed)
    );
}

#[test]
fn a_final_failure_ends_every_early_dialog_and_strangers_are_refused() {
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut set = DialogSet::new(invite()).unwrap_or_else(|e| panic!("{e}"));
    feed(&mut set, &to_invite(180, "b1"), &mut rng);
    feed(&mut set, &to_invite(180, "b2"), &mut rng);
    let out = feed(&mut set, &to_invite(486, "b2"), &mut rng);
    assert_eq!(out.len(), 2);
    assert!(set.dialogs().all(|d| d.state() == DialogState::Terminated));
    let stranger = request(&text_of(&invite()).replace("c1@192.0.2.1", "other"));
    let mut other = DialogSet::new(stranger).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        other.recv_response(&to_invite(180, "b1"), &mut rng),
        Err(DialogError::NotOurInvite)
    );
    assert_eq!(
        set.recv_response(&answer(200, "b9", "11 BYE", "", ""), &mut rng),
        Err(DialogError::NoDialog)
    );
}

#[test]
fn the_2xx_is_retransmitted_at_t1_doubling_to_t2_until_the_ack() {
    let t0 = Instant::now(); // clock-ok: test code
    let timers = TimerConfig::default();
    let ok = answer(200, "b1", "10 INVITE", "b1.example.com", "");
    let mut w = AckWait::new(t0, ok.clone(), &timers);
    let mut sent = Vec::new();
    while let Some(at) = w.poll_timeout() {
        if at - t0 > Duration::from_secs(10) {
            break;
        }
        w.handle(at, AckWaitInput::Timer);
        while let Some(o) = w.poll_output() {
            assert_eq!(o, AckWaitOutput::Retransmit(ok.clone()));
            sent.push((at - t0).as_millis());
        }
    }
    assert_eq!(sent, [500, 1500, 3500, 7500]);
    // The ACK of another 2xx changes nothing; ours stops the retransmissions.
    let wrong = alice_ack(9);
    w.handle(t0, AckWaitInput::Ack(wrong));
    assert!(!w.is_acked());
    let ack = alice_ack(10);
    w.handle(t0, AckWaitInput::Ack(ack));
    assert!(w.is_acked());
    assert_eq!(w.poll_timeout(), None);
}

#[test]
fn no_ack_within_64_t1_asks_for_bye() {
    let t0 = Instant::now(); // clock-ok: test code
    let timers = TimerConfig::default();
    let mut w = AckWait::new(t0, to_invite(200, "b1"), &timers);
    let mut retransmits = 0;
    let mut last = Vec::new();
    while let Some(at) = w.poll_timeout() {
        assert!(at <= t0 + timers.t1 * 64);
        w.handle(at, AckWaitInput::Timer);
        last = std::iter::from_fn(|| w.poll_output()).collect();
        retransmits += last
            .iter()
            .filter(|o| matches!(o, AckWaitOutput::Retransmit(_)))
            .count();
    }
    assert_eq!(
        last,
        [
            AckWaitOutput::SendBye,
            AckWaitOutput::Event(DialogEvent::AckTimeout)
        ]
    );
    assert!(w.is_timed_out());
    // 0.5, 1.5, 3.5, 7.5, then every 4 s up to 32 s.
    assert_eq!(retransmits, 10);
}

#[test]
fn a_crossing_reinvite_gets_491_and_ours_retries_after_the_owner_backoff() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut g = ReinviteGuard::new(Role::Uac, ChaCha8Rng::seed_from_u64(4));
    assert_eq!(g.handle(t0, ReinviteInput::Send), Ok(()));
    assert_eq!(
        g.handle(t0, ReinviteInput::Send),
        Err(DialogError::RequestPending)
    );
    let glare = g.handle(t0, ReinviteInput::Received);
    assert_eq!(
        glare.map_err(|e| e.status()),
        Err(StatusCode::REQUEST_PENDING)
    );
    g.handle(t0, ReinviteInput::Answered(StatusCode::REQUEST_PENDING))
        .unwrap_or_else(|e| panic!("{e}"));
    let at = g.poll_timeout().unwrap_or_else(|| panic!("no back-off"));
    let wait = at - t0;
    assert!(
        wait >= Duration::from_millis(2100) && wait <= Duration::from_secs(4),
        "{wait:?}"
    );
    assert_eq!(wait.as_millis() % 10, 0);
    assert_eq!(
        g.handle(t0, ReinviteInput::Send),
        Err(DialogError::RequestPending)
    );
    g.handle(at - Duration::from_millis(1), ReinviteInput::Timer)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.poll_output(), None);
    g.handle(at, ReinviteInput::Timer)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.poll_output(), Some(DialogEvent::ReinviteRetry));
    assert_eq!(g.handle(at, ReinviteInput::Send), Ok(()));
}

#[test]
fn the_callee_backs_off_under_two_seconds_and_one_invite_at_a_time() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut g = ReinviteGuard::new(Role::Uas, ChaCha8Rng::seed_from_u64(5));
    for _ in 0..50 {
        assert!(g.backoff() <= Duration::from_secs(2));
    }
    assert_eq!(g.handle(t0, ReinviteInput::Received), Ok(()));
    assert_eq!(
        g.handle(t0, ReinviteInput::Received),
        Err(DialogError::InviteInProgress)
    );
    assert_eq!(
        g.handle(t0, ReinviteInput::Send),
        Err(DialogError::RequestPending)
    );
    g.handle(t0, ReinviteInput::ReceivedDone)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.handle(t0, ReinviteInput::Send), Ok(()));
    g.handle(t0, ReinviteInput::Answered(StatusCode::OK))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(g.poll_timeout(), None);
    assert!(!g.is_pending());
}
