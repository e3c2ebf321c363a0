//! Re-offers and hold (RFC 3264 §8, RFC 6337 §5).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::tests::{BARESIP_OFFER, SIPP_OFFER};
use super::tests_negotiation::local;
use super::*;

fn parse(t: &str) -> SessionDescription {
    SessionDescription::parse(t.as_bytes()).unwrap()
}

fn origin() -> Origin {
    let me = local(Direction::SendRecv).address;
    Origin::new_session(&mut ChaCha8Rng::seed_from_u64(3), "switchboard", me)
}

#[test]
fn hold_and_resume_reoffers_bump_the_version_only() {
    let me = local(Direction::SendRecv);
    let first = offer(&origin(), &me);
    let held = hold_offer(&first, HoldKind::SendOnly);
    assert_eq!(held.origin.session_id, first.origin.session_id);
    assert_eq!(
        held.origin.session_version,
        first.origin.session_version + 1
    );
    assert_eq!(held.media[0].direction, Direction::SendOnly);
    assert!(is_hold(&held), "the peer sees our sendonly offer as a hold");
    let inactive = hold_offer(&held, HoldKind::Inactive);
    assert_eq!(inactive.media[0].direction, Direction::Inactive);
    let resumed = reoffer(&inactive, &me);
    assert_eq!(
        resumed.origin.session_version,
        first.origin.session_version + 3
    );
    assert_eq!(resumed.media, first.media);
    assert!(!is_hold(&resumed));
}

#[test]
fn hold_of_a_recvonly_stream_is_inactive() {
    let mut prev = offer(&origin(), &local(Direction::RecvOnly));
    prev.media.push(MediaSection {
        port: 0,
        ..prev.media[0].clone()
    });
    let held = hold_offer(&prev, HoldKind::SendOnly);
    assert_eq!(held.media[0].direction, Direction::Inactive);
    assert_eq!(
        held.media[1].direction,
        Direction::RecvOnly,
        "disabled streams stay as they were"
    );
}

#[test]
fn peer_hold_answered_recvonly_then_resumed() {
    let me = local(Direction::SendRecv);
    let first = answer(&origin(), &parse(BARESIP_OFFER), &me, None);
    let current = first.negotiated.clone().unwrap();
    // baresip re-INVITEs with a=sendonly: same session, version + 1.
    let hold = parse(
        &BARESIP_OFFER
            .replace("a=sendrecv", "a=sendonly")
            .replace(" 3862463716 ", " 3862463717 "),
    );
    assert!(is_hold(&hold));
    let ans = reanswer(&first.sdp, Some(&current), &hold, &me);
    assert_eq!(ans.sdp.media[0].direction, Direction::RecvOnly);
    assert_eq!(
        ans.sdp.origin.session_version,
        first.sdp.origin.session_version + 1
    );
    let n = ans.negotiated.unwrap();
    assert!(n.remote_hold);
    assert_eq!(n.local_direction, Direction::RecvOnly);
    // Resume: sendrecv again, a new version; an unchanged repeat keeps the version.
    let resume = reanswer(&ans.sdp, Some(&n), &parse(BARESIP_OFFER), &me);
    assert_eq!(resume.sdp.media[0].direction, Direction::SendRecv);
    assert_eq!(
        resume.sdp.origin.session_version,
        first.sdp.origin.session_version + 2
    );
    let again = reanswer(
        &resume.sdp,
        resume.negotiated.as_ref(),
        &parse(BARESIP_OFFER),
        &me,
    );
    assert_eq!(
        again.sdp, resume.sdp,
        "a session refresh does not change the version"
    );
}

#[test]
fn reanswer_keeps_the_codec_in_use() {
    let me = local(Direction::SendRecv);
    let first = answer(&origin(), &parse(SIPP_OFFER), &me, None);
    let current = first.negotiated.clone().unwrap();
    assert_eq!(current.codec.encoding, "PCMU");
    // The re-offer now prefers PCMA but still lists PCMU.
    let reoffer_text =
        SIPP_OFFER.replace("RTP/AVP 0\r\n", "RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\n");
    let ans = reanswer(&first.sdp, Some(&current), &parse(&reoffer_text), &me);
    let pts: Vec<u8> = ans.sdp.media[0].formats.iter().map(|f| f.pt).collect();
    assert_eq!(pts, [0, 8]);
    assert_eq!(ans.negotiated.unwrap().codec.encoding, "PCMU");
    // Without the codec in use, the offer's first common codec is taken.
    let fresh = answer(&origin(), &parse(&reoffer_text), &me, None);
    assert_eq!(fresh.negotiated.unwrap().codec.encoding, "PCMA");
}

#[test]
fn reoffer_keeps_rejected_m_lines_in_place() {
    let alice = "v=0\r\no=alice 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
m=video 51372 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\nm=audio 49170 RTP/AVP 0\r\n";
    let me = local(Direction::SendRecv);
    let ours = answer(&origin(), &parse(alice), &me, None).sdp;
    assert_eq!((ours.media[0].port, ours.media[1].port), (0, me.port));
    let mut moved = me.clone();
    moved.port = 30000;
    let re = reoffer(&ours, &moved);
    assert_eq!(re.media.len(), 2);
    assert_eq!(re.media[0], ours.media[0]);
    assert_eq!(re.media[1].port, 30000);
    assert_eq!(re.origin.session_version, ours.origin.session_version + 1);
}
