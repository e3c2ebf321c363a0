//! Test helpers: a config, a registrar that checks digests, response builders.

use super::{Input, Output, RegistrationConfig, RegistrationEvent, RegistrationMachine};
use crate::sip::auth::{Algorithm, DigestCredentials, DigestServer, Password};
use crate::sip::{
    parse_datagram, HeaderName, Message, ParseLimits, Request, Response, SipUri, StatusCode, Uri,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::time::Duration;
use tokio::time::Instant;

pub fn sip(s: &str) -> SipUri {
    match Uri::parse(s) {
        Ok(Uri::Sip(u)) => u,
        other => panic!("not a SIP URI: {s} {other:?}"),
    }
}

pub fn cfg() -> RegistrationConfig {
    let mut c = RegistrationConfig::new(
        sip("sip:alice@example.com"),
        sip("sip:example.com"),
        sip("sip:alice@10.0.0.1:5060;transport=tcp"),
    );
    c.password = Some(Password::new("alice-pw"));
    c
}

pub fn machine(c: RegistrationConfig) -> RegistrationMachine {
    RegistrationMachine::new(c, ChaCha8Rng::seed_from_u64(11))
}

pub fn t0() -> Instant {
    Instant::now() // clock-ok: test code
}

pub fn secs(t: Instant, s: u64) -> Instant {
    t + Duration::from_secs(s)
}

/// Drains the outputs: requests sent and events.
pub fn drain(m: &mut RegistrationMachine) -> (Vec<Request>, Vec<RegistrationEvent>) {
    let (mut reqs, mut evs) = (Vec::new(), Vec::new());
    while let Some(o) = m.poll_output() {
        match o {
            Output::Send(r) => reqs.push(r),
            Output::Event(e) => evs.push(e),
        }
    }
    (reqs, evs)
}

/// The one REGISTER sent, after a print/parse round trip through the actors' parser.
pub fn one(reqs: &[Request]) -> Request {
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    let mut r = reqs[0].clone();
    r.headers.push(HeaderName::ContentLength, "0");
    match parse_datagram(r.to_bytes(), &ParseLimits::default()) {
        Ok(Message::Request(p)) => p,
        other => panic!("REGISTER does not parse: {other:?}"),
    }
}

pub fn resp(req: &Request, code: u16) -> Response {
    let Some(status) = StatusCode::new(code) else {
        panic!("bad status {code}")
    };
    let mut r = Response::to_request(req, status);
    if code > 100 {
        let to = format!(
            "{};tag=srv",
            req.headers.get(&HeaderName::To).map_or("", |v| v.as_str())
        );
        r.headers.set(HeaderName::To, to);
    }
    r
}

pub fn feed(m: &mut RegistrationMachine, now: Instant, r: Response) {
    m.handle(now, Input::Response(r));
}

/// A registrar realm checking alice's digests.
pub struct Server {
    pub digest: DigestServer,
    rng: ChaCha8Rng,
}

impl Server {
    pub fn new(alg: Algorithm) -> Self {
        Server {
            digest: DigestServer::new("example.com")
                .with_algorithms(vec![alg])
                .with_nonce_lifetime(Duration::from_secs(7200)),
            rng: ChaCha8Rng::seed_from_u64(99),
        }
    }

    /// A 401 (or 407) with a fresh challenge.
    pub fn challenge(&mut self, now: Instant, req: &Request, code: u16, stale: bool) -> Response {
        let c = self.digest.challenge(now.into_std(), stale, &mut self.rng);
        let mut r = resp(req, code);
        let h = if code == 407 {
            HeaderName::ProxyAuthenticate
        } else {
            HeaderName::WwwAuthenticate
        };
        r.headers.push(h, c.to_string());
        r
    }

    /// Verifies the credentials `req` carries in `header` against alice's password.
    pub fn verify(&mut self, now: Instant, req: &Request, header: HeaderName) -> bool {
        let Some(v) = req.headers.get(&header) else {
            return false;
        };
        let Ok(creds) = DigestCredentials::parse(v.as_str()) else {
            return false;
        };
        assert_eq!(creds.uri, req.uri.to_string());
        let lookup = |u: &str| (u == "alice").then(|| Password::new("alice-pw"));
        self.digest
            .verify(now.into_std(), &creds, "REGISTER", b"", lookup)
            .is_ok()
    }
}
