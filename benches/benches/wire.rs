//! SIP wire-layer benchmarks on PJSIP's own msg_test bytes (benches/data/pjsip-msg-test,
//! a copy of shared/bench-data/pjsip-msg-test) so the figures compare with PJSIP's
//! (563 k msg/s parse, 1.46 M print, 1.87 M clone on this machine kind).
//!
//! `cargo bench -p switchboard-benches --bench wire`
#![allow(missing_docs)] // criterion_group! generates undocumented public functions

use bytes::Bytes;
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use switchboard_actors::sip::{parse_datagram, Message, ParseLimits};

fn messages() -> Vec<(String, Bytes)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/pjsip-msg-test");
    (0..7)
        .map(|i| {
            let name = format!("msg{i}");
            let bytes = std::fs::read(format!("{dir}/{name}.sip")).expect("bench data present");
            (name, Bytes::from(bytes))
        })
        .collect()
}

fn register_with_auth() -> Bytes {
    Bytes::from_static(
        b"REGISTER sip:127.0.0.1 SIP/2.0\r\n\
Via: SIP/2.0/UDP 127.0.0.1:5099;rport;branch=z9hG4bK5ed8a2f1c0e94b7d\r\n\
Max-Forwards: 70\r\n\
From: \"Alice\" <sip:alice@127.0.0.1>;tag=8f3c2a91\r\n\
To: \"Alice\" <sip:alice@127.0.0.1>\r\n\
Call-ID: 3c26700b56b6c2b2@127.0.0.1\r\n\
CSeq: 2 REGISTER\r\n\
Contact: <sip:alice@127.0.0.1:5099;transport=udp>;expires=600;+sip.instance=\"<urn:uuid:0f5b6e2c-2c4e-4d0e-9a54-1c2f6f9a8b11>\";reg-id=1\r\n\
Authorization: Digest username=\"alice\", realm=\"127.0.0.1\", nonce=\"X3a9Vl8fR2ZkYjM0NGE1OWE2ZGU3ZDNlYjg0ZGI2NGQ\", uri=\"sip:127.0.0.1\", response=\"7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d\", algorithm=MD5, cnonce=\"0a4f113b\", qop=auth, nc=00000001\r\n\
User-Agent: Switchboard/0.1\r\n\
Expires: 600\r\n\
Content-Length: 0\r\n\r\n",
    )
}

fn parse(c: &mut Criterion) {
    let limits = ParseLimits::default();
    let msgs = messages();
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("all7", |b| {
        b.iter(|| {
            for (_, m) in &msgs {
                black_box(parse_datagram(m.clone(), &limits).expect("valid"));
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    for (name, m) in &msgs {
        g.bench_function(name.as_str(), |b| {
            b.iter(|| black_box(parse_datagram(m.clone(), &limits).expect("valid")))
        });
    }
    let reg = register_with_auth();
    g.bench_function("register_auth", |b| {
        b.iter(|| black_box(parse_datagram(reg.clone(), &limits).expect("valid")))
    });
    g.finish();
}

fn parsed() -> Vec<(String, Message)> {
    let limits = ParseLimits::default();
    messages()
        .into_iter()
        .map(|(n, b)| (n, parse_datagram(b, &limits).expect("valid")))
        .collect()
}

fn print(c: &mut Criterion) {
    let msgs = parsed();
    let mut g = c.benchmark_group("print");
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("all7", |b| {
        b.iter(|| {
            for (_, m) in &msgs {
                black_box(m.to_bytes());
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    for (name, m) in msgs.iter().take(2) {
        g.bench_function(name.as_str(), |b| b.iter(|| black_box(m.to_bytes())));
    }
    g.finish();
}

fn clone(c: &mut Criterion) {
    let msgs = parsed();
    let mut g = c.benchmark_group("clone");
    g.throughput(Throughput::Elements(msgs.len() as u64));
    g.bench_function("all7", |b| {
        b.iter(|| {
            for (_, m) in &msgs {
                black_box(m.clone());
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    for (name, m) in msgs.iter().take(2) {
        g.bench_function(name.as_str(), |b| b.iter(|| black_box(m.clone())));
    }
    g.finish();
}

fn digest(c: &mut Criterion) {
    use switchboard_actors::sip::auth::{
        DigestChallenge, DigestClient, DigestCredentials, Password,
    };
    let challenge: DigestChallenge =
        "Digest realm=\"127.0.0.1\", nonce=\"X3a9Vl8fR2ZkYjM0NGE1OWE2ZGU3ZDNl\", qop=\"auth\""
            .parse()
            .expect("valid challenge");
    let reg = parse_datagram(register_with_auth(), &ParseLimits::default()).expect("valid");
    let Message::Request(reg) = reg else {
        unreachable!("a request")
    };
    let auth = reg
        .headers
        .get(&switchboard_actors::sip::HeaderName::Authorization)
        .expect("Authorization")
        .as_str()
        .to_owned();
    let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
    let mut client = DigestClient::new("alice", Password::new("alice-pw"));
    let mut g = c.benchmark_group("digest");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_authorization", |b| {
        b.iter(|| black_box(auth.parse::<DigestCredentials>().expect("valid")))
    });
    g.bench_function("respond_md5_auth", |b| {
        b.iter(|| black_box(client.respond(&challenge, "REGISTER", "sip:127.0.0.1", b"", &mut rng)))
    });
    g.finish();
}

criterion_group!(benches, parse, print, clone, digest);
criterion_main!(benches);
