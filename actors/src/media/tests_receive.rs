//! Receiving: latching, decoding, accounting, junk.

use super::tests::{addr, cfg, datagram, drain, ms, peer, session, tick, LOCAL, SDP_REMOTE};
use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use tokio::time::Instant;

#[test]
fn symmetric_rtp_latches_and_relatches_on_a_new_ssrc() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, _) = session(cfg());
    tick(&mut s, t0);
    let mut a = peer(Law::Mu, 1);
    s.handle(
        ms(t0, 5),
        datagram("10.0.0.9:7000", a.next_packet().unwrap().unwrap()),
    );
    let nat = addr("10.0.0.9:7000");
    assert_eq!(
        drain(&mut s).1,
        vec![MediaEvent::RemoteLatched { addr: nat }]
    );
    assert_eq!(s.target(), Some(nat));
    assert_eq!(tick(&mut s, ms(t0, 20))[0].0, nat);
    // Same SSRC from elsewhere: dropped, no re-latch.
    s.handle(
        ms(t0, 25),
        datagram("10.0.0.66:7000", a.next_packet().unwrap().unwrap()),
    );
    assert_eq!(drain(&mut s).1, vec![]);
    assert_eq!(s.stats().stray, 1);
    // Another payload type with a new SSRC from elsewhere: dropped too.
    let mut dtmf =
        switchboard_codecs::RtpSender::new(101, &mut ChaCha8Rng::seed_from_u64(9)).unwrap();
    s.handle(
        ms(t0, 26),
        datagram("10.0.0.67:7000", dtmf.packetize(&[1, 0, 0, 160], 160)),
    );
    assert_eq!(s.stats().stray, 2);
    // A new SSRC of the negotiated type from a new address: re-latched.
    let mut b = peer(Law::Mu, 2);
    s.handle(
        ms(t0, 30),
        datagram("10.0.0.10:7002", b.next_packet().unwrap().unwrap()),
    );
    let moved = addr("10.0.0.10:7002");
    assert_eq!(
        drain(&mut s).1,
        vec![MediaEvent::RemoteLatched { addr: moved }]
    );
    assert_eq!(tick(&mut s, ms(t0, 40))[0].0, moved);
    assert_eq!(s.stats().latches, 2);
    // A new SDP address: sent there until the next packet latches.
    s.handle(ms(t0, 45), Input::SetRemote(addr("192.0.2.1:9000")));
    assert_eq!(tick(&mut s, ms(t0, 60))[0].0, addr("192.0.2.1:9000"));
}

#[test]
fn without_symmetric_rtp_the_sdp_address_is_kept() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut c = cfg();
    c.symmetric = false;
    let (mut s, sink) = session(c);
    tick(&mut s, t0);
    let mut a = peer(Law::Mu, 1);
    s.handle(
        ms(t0, 5),
        datagram("10.0.0.9:7000", a.next_packet().unwrap().unwrap()),
    );
    assert_eq!(drain(&mut s).1, vec![]);
    assert_eq!(tick(&mut s, ms(t0, 20))[0].0, addr(SDP_REMOTE));
    tick(&mut s, ms(t0, 80));
    assert_eq!(s.stats().frames_played, 1, "received from anywhere");
    assert_eq!(sink.0.lock().unwrap().len(), 4 * 160);
}

#[test]
fn no_address_sends_nothing_until_latched() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, _) = session(MediaConfig::new(Law::Mu, addr(LOCAL), addr("0.0.0.0:0")));
    assert!(tick(&mut s, t0).is_empty());
    assert_eq!(s.stats().frames_skipped, 1);
    let mut a = peer(Law::Mu, 1);
    s.handle(
        ms(t0, 5),
        datagram("127.0.0.1:7000", a.next_packet().unwrap().unwrap()),
    );
    assert_eq!(tick(&mut s, ms(t0, 20)).len(), 1);
}

#[test]
fn received_audio_is_reordered_decoded_concealed_and_accounted() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut c = cfg();
    c.law = Law::A;
    c.codec = switchboard_codecs::CodecKind::Pcma;
    c.payload_type = 8;
    let (mut s, sink) = session(c);
    let mut a = peer(Law::A, 3);
    let packets: Vec<Vec<u8>> = (0..6).map(|_| a.next_packet().unwrap().unwrap()).collect();
    for i in [0, 1, 1, 3, 2, 5] {
        s.handle(
            ms(t0, i as u64),
            datagram("10.0.0.9:7000", packets[i].clone()),
        );
    }
    // Playout slots every 20 ms from the first packet: 0, 20, 40 buffer (60 ms).
    for k in 1..=8 {
        s.handle(ms(t0, 20 * k), Input::Tick);
    }
    let st = s.stats();
    // 2 came late but in time for its slot; 1 again a duplicate; 4 lost, concealed.
    assert_eq!(
        (st.frames_played, st.duplicates, st.late, st.lost),
        (5, 1, 1, 1)
    );
    assert_eq!(st.frames_concealed, 1);
    assert_eq!(st.packets_received, 5);
    assert_eq!(st.bytes_received, 5 * 172);
    let heard = sink.0.lock().unwrap().clone();
    assert_eq!(heard.len(), 9 * 160);
    assert!(
        heard[..3 * 160].iter().all(|x| *x == 0),
        "buffering: silence"
    );
    let dec = switchboard_codecs::G711Decoder::new(Law::A);
    let d = |i: usize| dec.decode(&packets[i][12..]);
    // G.711 concealment: the last frame once at half amplitude.
    let concealed: Vec<i16> = d(3).iter().map(|x| x / 2).collect();
    let expect: Vec<i16> = [d(0), d(1), d(2), d(3), concealed, d(5)].concat();
    assert_eq!(heard[3 * 160..], expect[..]);
}

#[test]
fn malformed_and_rtcp_datagrams_are_counted_and_ignored() {
    let t0 = Instant::now(); // clock-ok: test code
    let (mut s, sink) = session(cfg());
    let rtcp_rr = vec![0x80, 201, 0, 1, 1, 2, 3, 4];
    for junk in [
        vec![],
        vec![0x80; 5],
        b"INVITE sip:x SIP/2.0\r\n".to_vec(),
        vec![0x40; 20],
    ] {
        s.handle(t0, datagram("10.0.0.9:7000", junk));
    }
    s.handle(t0, datagram("10.0.0.9:7000", rtcp_rr));
    let (sent, events) = drain(&mut s);
    assert!(sent.is_empty());
    assert_eq!(events, vec![MediaEvent::Started]);
    let st = s.stats();
    assert_eq!(
        (st.malformed, st.rtcp, st.packets_received, st.latches),
        (4, 1, 0, 0)
    );
    assert!(sink.0.lock().unwrap().is_empty());
}
