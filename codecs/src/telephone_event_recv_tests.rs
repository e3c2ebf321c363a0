//! The receiver: one report per event under loss, duplication, reordering.

use crate::rtp_receiver::RtpReceiver;
use crate::telephone_event::{EventError, Key};
use crate::telephone_event_recv::{DigitEvent, DtmfReceiver};
use crate::telephone_event_send::DtmfSender;
use crate::telephone_event_tests::rtp;
use rtp_rs::RtpReader;

/// The packets of each queued (digit, ms), grouped by event.
pub(crate) fn send(seed: u64, digits: &[(char, u32)]) -> Vec<Vec<Vec<u8>>> {
    let mut rtp = rtp(seed);
    let mut tx = DtmfSender::new(101, 8000, 20).unwrap();
    let mut events = Vec::new();
    for (d, ms) in digits {
        tx.queue(&d.to_string(), *ms, 50).unwrap();
        let mut packets = Vec::new();
        while !tx.is_idle() {
            match tx.poll(&mut rtp) {
                Some(p) => packets.push(p),
                None => {
                    rtp.packetize(&[0xFF; 160], 160);
                }
            }
        }
        events.push(packets);
    }
    events
}

pub(crate) fn feed(rx: &mut DtmfReceiver, packet: &[u8]) {
    let r = RtpReader::new(packet).unwrap();
    rx.receive(r.timestamp(), r.mark(), r.payload()).unwrap();
}

pub(crate) fn events(rx: &mut DtmfReceiver) -> Vec<DigitEvent> {
    std::iter::from_fn(|| rx.poll_event()).collect()
}

pub(crate) fn ts(packet: &[u8]) -> u32 {
    RtpReader::new(packet).unwrap().timestamp()
}

#[test]
fn a_whole_digit_is_reported_once_started_and_once_ended() {
    let sent = send(1, &[('5', 100)]);
    let t = ts(&sent[0][0]);
    let mut rx = DtmfReceiver::new(8000);
    for p in &sent[0] {
        feed(&mut rx, p);
        feed(&mut rx, p); // every packet duplicated
    }
    let key = Key::Digit('5');
    assert_eq!(
        events(&mut rx),
        [
            DigitEvent::Started { key, timestamp: t },
            DigitEvent::Ended {
                key,
                duration_ms: 100,
                timestamp: t
            }
        ]
    );
    // Ignored: the E packet's duplicate and both copies of each E retransmission.
    assert_eq!(rx.stale_packets(), 5);
    assert_eq!(rx.poll_timeout(), None);
}

#[test]
fn only_an_end_packet_is_enough() {
    let sent = send(2, &[('#', 60)]);
    let mut rx = DtmfReceiver::new(8000);
    feed(&mut rx, sent[0].last().unwrap());
    let got = events(&mut rx);
    assert_eq!(got.len(), 2);
    assert!(matches!(
        got[0],
        DigitEvent::Started {
            key: Key::Digit('#'),
            ..
        }
    ));
    assert!(matches!(
        got[1],
        DigitEvent::Ended {
            key: Key::Digit('#'),
            duration_ms: 60,
            ..
        }
    ));
}

#[test]
fn a_new_event_ends_one_whose_end_packets_were_all_lost() {
    let sent = send(3, &[('1', 100), ('2', 100)]);
    let mut rx = DtmfReceiver::new(8000);
    for p in &sent[0][..4] {
        feed(&mut rx, p); // durations up to 640: 80 ms
    }
    assert_eq!(events(&mut rx).len(), 1);
    feed(&mut rx, &sent[1][2]);
    let (t1, t2) = (ts(&sent[0][0]), ts(&sent[1][0]));
    assert_eq!(
        events(&mut rx),
        [
            DigitEvent::Ended {
                key: Key::Digit('1'),
                duration_ms: 80,
                timestamp: t1
            },
            DigitEvent::Started {
                key: Key::Digit('2'),
                timestamp: t2
            }
        ]
    );
    // The first digit's end copies, arriving late, are stale.
    for p in &sent[0][4..] {
        feed(&mut rx, p);
    }
    assert_eq!(events(&mut rx), []);
    assert_eq!(rx.stale_packets(), 3);
}

#[test]
fn an_event_without_end_times_out_on_the_senders_clock() {
    let sent = send(4, &[('9', 200)]);
    let t = ts(&sent[0][0]);
    let mut rx = DtmfReceiver::new(8000);
    rx.set_timeout_ms(100);
    for p in &sent[0][..3] {
        feed(&mut rx, p); // last duration 480
    }
    // 480 samples reported + 100 ms (800 samples) without a report.
    let deadline = t.wrapping_add(480 + 800);
    assert_eq!(rx.poll_timeout(), Some(deadline));
    events(&mut rx);
    rx.handle_timeout(deadline.wrapping_sub(1));
    assert_eq!(events(&mut rx), []);
    rx.handle_timeout(deadline);
    assert_eq!(
        events(&mut rx),
        [DigitEvent::Ended {
            key: Key::Digit('9'),
            duration_ms: 60,
            timestamp: t
        }]
    );
    assert_eq!(rx.poll_timeout(), None);
    // Its later packets change nothing.
    for p in &sent[0][3..] {
        feed(&mut rx, p);
    }
    assert_eq!(events(&mut rx), []);
}

#[test]
fn a_long_event_in_segments_is_one_digit() {
    let mut rtp = rtp(5);
    let mut tx = DtmfSender::new(101, 16000, 20).unwrap();
    tx.queue("A", 8000, 0).unwrap();
    let mut rx = DtmfReceiver::new(16000);
    let mut first = None;
    while let Some(p) = tx.poll(&mut rtp) {
        first.get_or_insert(ts(&p));
        feed(&mut rx, &p);
    }
    let key = Key::Digit('A');
    let timestamp = first.unwrap();
    assert_eq!(
        events(&mut rx),
        [
            DigitEvent::Started { key, timestamp },
            DigitEvent::Ended {
                key,
                duration_ms: 8000,
                timestamp
            }
        ]
    );
}

#[test]
fn malformed_payloads_and_source_changes() {
    let mut rx = DtmfReceiver::new(8000);
    assert_eq!(
        rx.receive(1000, true, &[1, 2, 3]),
        Err(EventError::Length { len: 3 })
    );
    assert_eq!(rx.malformed_packets(), 1);
    // Through the RTP receiver: a new SSRC ends the open event and starts afresh
    // even though its timestamps are "older".
    let (a, b) = (send(6, &[('3', 100)]), send(7, &[('4', 100)]));
    let mut rtp_rx = RtpReceiver::new();
    rx.receive_packet(&rtp_rx.receive(&a[0][0]).unwrap())
        .unwrap();
    rx.receive_packet(&rtp_rx.receive(&b[0][1]).unwrap())
        .unwrap();
    let got: Vec<Key> = events(&mut rx)
        .iter()
        .map(|e| match e {
            DigitEvent::Started { key, .. } | DigitEvent::Ended { key, .. } => *key,
        })
        .collect();
    assert_eq!(got, [Key::Digit('3'), Key::Digit('3'), Key::Digit('4')]);
}
