//! The telephone-event sender's packet sequences (RFC 4733 §2.5).

use crate::telephone_event::*;
use crate::telephone_event_send::DtmfSender;
use crate::telephone_event_tests::{decode, drain, rtp, Sent};
use rtp_rs::RtpReader;

#[test]
fn digit_5_for_100_ms_at_20_ms_is_seven_packets() {
    let mut rtp = rtp(1);
    // Two audio frames first: the event takes the timestamp of the third.
    rtp.packetize(&[0xFF; 160], 160);
    rtp.packetize(&[0xFF; 160], 160);
    let (seq0, ts0, ssrc) = (rtp.next_sequence(), rtp.next_timestamp(), rtp.ssrc());
    let mut tx = DtmfSender::new(101, 8000, 20).unwrap();
    tx.queue("5", 100, 50).unwrap();
    assert!(!tx.is_active());
    let ticks = drain(&mut tx, &mut rtp);
    let sent: Vec<Sent> = ticks.iter().flatten().copied().collect();
    assert_eq!(ticks.len(), 7);
    let durations: Vec<u16> = sent.iter().map(|s| s.report.duration).collect();
    assert_eq!(durations, [160, 320, 480, 640, 800, 800, 800]);
    let ends: Vec<bool> = sent.iter().map(|s| s.report.end).collect();
    assert_eq!(ends, [false, false, false, false, true, true, true]);
    let markers: Vec<bool> = sent.iter().map(|s| s.marker).collect();
    assert_eq!(markers, [true, false, false, false, false, false, false]);
    for (i, s) in sent.iter().enumerate() {
        assert_eq!((s.pt, s.ts, s.ssrc), (101, ts0, ssrc));
        assert_eq!(s.seq, seq0.wrapping_add(i as u16));
        assert_eq!((s.report.event, s.report.volume), (5, 10));
    }
    // Audio resumes in real time: 7 intervals later, next sequence number,
    // marked as a new talkspurt, with the audio payload type.
    assert!(!tx.is_active());
    let audio = rtp.packetize(&[0xFF; 160], 160);
    let r = RtpReader::new(&audio).unwrap();
    assert_eq!(r.timestamp(), ts0.wrapping_add(7 * 160));
    assert_eq!(u16::from(r.sequence_number()), seq0.wrapping_add(7));
    assert!(r.mark());
    assert_eq!(r.payload_type(), 0);
    assert_eq!(tx.packets_sent(), 7);
}

#[test]
fn queued_digits_are_separated_by_the_gap() {
    let mut rtp = rtp(2);
    let ts0 = rtp.next_timestamp();
    let mut tx = DtmfSender::new(101, 8000, 20).unwrap();
    tx.queue("19", 100, 50).unwrap();
    assert_eq!(tx.pending(), 2);
    let ticks = drain(&mut tx, &mut rtp);
    // 7 packets, then audio until 100 + 50 ms have passed (8 intervals: the
    // first at least 50 ms after the end), then the second digit.
    assert_eq!(ticks.len(), 15);
    assert!(ticks[..7]
        .iter()
        .all(|t| t.is_some_and(|s| s.report.event == 1)));
    assert_eq!(ticks[7], None);
    let second = ticks[8].unwrap();
    assert_eq!(
        (second.report.event, second.marker, second.report.duration),
        (9, true, 160)
    );
    assert_eq!(second.ts, ts0.wrapping_add(8 * 160));
    assert!(ticks[8..]
        .iter()
        .all(|t| t.is_some_and(|s| s.ts == second.ts)));
    // A later queue still honours the gap after the last digit.
    tx.queue("2", 40, 100).unwrap();
    let ticks = drain(&mut tx, &mut rtp);
    assert_eq!(ticks.len(), 1 + 4);
    assert_eq!(ticks[0], None);
    tx.queue("3", 40, 0).unwrap();
    let ticks = drain(&mut tx, &mut rtp);
    // 40 ms (2 intervals) + 100 ms gap = 7 intervals; 4 were packets.
    assert_eq!(ticks[..3], [None, None, None]);
    assert_eq!(ticks.len(), 3 + 4);
}

#[test]
fn durations_are_clamped_and_need_not_be_whole_intervals() {
    let mut rtp = rtp(3);
    let mut tx = DtmfSender::new(96, 8000, 20).unwrap();
    tx.queue("#", 50, 0).unwrap();
    let d: Vec<u16> = drain(&mut tx, &mut rtp)
        .iter()
        .flatten()
        .map(|s| s.report.duration)
        .collect();
    assert_eq!(d, [160, 320, 400, 400, 400]);
    tx.queue("*", 1, 0).unwrap(); // 40 ms at least
    let d: Vec<u16> = drain(&mut tx, &mut rtp)
        .iter()
        .flatten()
        .map(|s| s.report.duration)
        .collect();
    assert_eq!(d, [160, 320, 320, 320]);
    // 9 s is shortened to 8 s: 64000 samples still fit one segment at 8 kHz.
    tx.queue("0", 9000, 0).unwrap();
    let sent: Vec<Sent> = drain(&mut tx, &mut rtp).into_iter().flatten().collect();
    assert_eq!(sent.len(), 400 + 2);
    assert!(sent.iter().all(|s| s.ts == sent[0].ts));
    assert_eq!(
        sent[399].report,
        EventPayload {
            event: 0,
            end: true,
            volume: 10,
            duration: 64000
        }
    );
}

#[test]
fn a_9_s_event_at_16_khz_is_cut_into_segments() {
    // Clamped to 8 s = 128000 samples; 320 samples per 20 ms packet.
    let mut rtp = rtp(4);
    let ts0 = rtp.next_timestamp();
    let mut tx = DtmfSender::new(101, 16000, 20).unwrap();
    tx.queue("D", 9000, 0).unwrap();
    let sent: Vec<Sent> = drain(&mut tx, &mut rtp).into_iter().flatten().collect();
    assert_eq!(sent.len(), 402);
    // Segment 1: 320, 640, ... 65280 (204 reports), then 0xFFFF without E, 3 times.
    for (i, s) in sent[..204].iter().enumerate() {
        assert_eq!(
            (s.ts, s.report.duration, s.report.end),
            (ts0, 320 * (i as u16 + 1), false)
        );
    }
    for s in &sent[204..207] {
        assert_eq!(
            (s.ts, s.report.duration, s.report.end, s.marker),
            (ts0, 0xFFFF, false, false)
        );
    }
    // Segment 2 starts where segment 1 ended, unmarked: 208 intervals = 66560
    // samples in, 66560 - 65535 = 1025 into the segment; it ends at 128000 - 65535.
    let ts1 = ts0.wrapping_add(0xFFFF);
    assert_eq!(
        (sent[207].ts, sent[207].report.duration, sent[207].marker),
        (ts1, 1025, false)
    );
    assert!(sent[207..]
        .iter()
        .all(|s| s.ts == ts1 && s.report.event == 15));
    for s in &sent[399..] {
        assert_eq!((s.report.duration, s.report.end), (62465, true));
    }
    assert_eq!(sent.iter().filter(|s| s.marker).count(), 1);
    let seqs: Vec<u16> = sent
        .iter()
        .map(|s| s.seq.wrapping_sub(sent[0].seq))
        .collect();
    assert_eq!(seqs, (0..402).collect::<Vec<u16>>());
}

#[test]
fn segments_at_48_khz_add_up_to_the_whole_event() {
    let mut rtp = rtp(5);
    let ts0 = rtp.next_timestamp();
    let mut tx = DtmfSender::new(101, 48000, 20).unwrap();
    tx.queue("7", 8000, 0).unwrap();
    let sent: Vec<Sent> = drain(&mut tx, &mut rtp).into_iter().flatten().collect();
    // 384000 samples = 5 full segments + 56325; each segment ends 3 times.
    let mut k = 0u32;
    let mut finals = Vec::new();
    for w in sent.windows(2) {
        if w[1].ts != w[0].ts {
            finals.push(w[0].report);
            k += 1;
            assert_eq!(w[1].ts, ts0.wrapping_add(k * 0xFFFF));
        }
    }
    assert_eq!(k, 5);
    assert!(finals.iter().all(|r| r.duration == 0xFFFF && !r.end));
    let last = sent.last().unwrap().report;
    assert_eq!((last.duration, last.end), (56325, true));
    assert_eq!(5 * 0xFFFF + u32::from(last.duration), 384000);
}

#[test]
fn bad_requests_are_refused() {
    let mut tx = DtmfSender::new(101, 8000, 20).unwrap();
    assert_eq!(
        tx.queue("12x3", 100, 50),
        Err(EventError::InvalidDigit('x'))
    );
    assert_eq!(tx.pending(), 0);
    tx.queue("", 100, 50).unwrap();
    assert!(tx.is_idle());
    assert_eq!(
        DtmfSender::new(128, 8000, 20).err(),
        Some(EventError::PayloadType(128))
    );
    for (rate, ptime) in [(0, 20), (8000, 0), (8000, 10_000), (10, 20)] {
        assert_eq!(
            DtmfSender::new(101, rate, ptime).err(),
            Some(EventError::Interval {
                clock_rate: rate,
                ptime_ms: ptime
            })
        );
    }
}

#[test]
fn flash_and_volume_and_clearing() {
    let mut rtp = rtp(6);
    let mut tx = DtmfSender::new(101, 8000, 20).unwrap();
    tx.set_volume(99);
    tx.queue_flash(60, 0);
    tx.queue("123", 60, 0).unwrap();
    let first = tx.poll(&mut rtp).map(|p| decode(&p)).unwrap();
    assert_eq!((first.report.event, first.report.volume), (FLASH, 63));
    assert!(tx.is_active());
    tx.clear_queue();
    let rest: Vec<Sent> = drain(&mut tx, &mut rtp).into_iter().flatten().collect();
    // The flash finishes (60 ms: 160, 320, 480 E x3); the digits never start.
    assert_eq!(rest.len(), 4);
    assert!(rest.iter().all(|s| s.report.event == FLASH));
    assert_eq!(tx.poll(&mut rtp), None);
}
