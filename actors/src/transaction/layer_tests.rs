use super::*;
use crate::sip::headers::via::MAGIC_COOKIE;
use crate::transaction::event::Output;
use crate::transaction::event::TxEvent;
use crate::transaction::testkit::*;
use crate::vocab::TransportKind;
use rand::SeedableRng;

/// Runs the layer with its machines inline, recording what reaches the wire and the TU.
struct Inline {
    layer: TransactionLayer,
    txs: HashMap<TxId, Transaction>,
    wire: Vec<(Message, Target)>,
    tu: Vec<TuEvent>,
}

impl Inline {
    fn new(seed: u64) -> Inline {
        let rng = ChaCha8Rng::seed_from_u64(seed);
        Inline {
            layer: TransactionLayer::new(TimerConfig::default(), rng).unwrap(),
            txs: HashMap::new(),
            wire: Vec::new(),
            tu: Vec::new(),
        }
    }

    fn pump(&mut self, now: Instant) {
        while let Some(out) = self.layer.poll_output() {
            let id = match out {
                LayerOutput::Spawn {
                    id, transaction, ..
                } => {
                    self.txs.insert(id, transaction);
                    id
                }
                LayerOutput::Deliver { id, input } => {
                    let Some(tx) = self.txs.get_mut(&id) else {
                        continue;
                    };
                    tx.handle(now, input);
                    id
                }
                LayerOutput::Transmit { message, target } => {
                    self.wire.push((message, target));
                    continue;
                }
                LayerOutput::ToTu(e) => {
                    self.tu.push(e);
                    continue;
                }
            };
            let tx = self.txs.get_mut(&id).unwrap();
            while let Some(o) = tx.poll_output() {
                match o {
                    Output::Transmit { message, target } => self.wire.push((message, target)),
                    Output::ToTu(event) => self.tu.push(TuEvent::Transaction { id, event }),
                }
            }
            if tx.is_terminated() {
                self.txs.remove(&id);
                self.layer.remove(id);
            }
        }
    }

    fn recv(&mut self, now: Instant, m: Message, flow: Flow) {
        self.layer.recv(now, m, flow);
        self.pump(now);
    }
}

fn from(addr: &str) -> Flow {
    Flow {
        remote: addr.parse().unwrap(),
        ..flow(TransportKind::Udp)
    }
}

#[test]
fn new_request_stamped_and_retransmission_routed() {
    let mut l = Inline::new(1);
    let t0 = Instant::now(); // clock-ok: test code
    let mut inv = invite("z9hG4bKi1");
    inv.headers.set(
        HeaderName::Via,
        "SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKi1",
    );
    l.recv(t0, Message::Request(inv.clone()), from("192.0.2.1:40000"));
    let [TuEvent::Request { id, request, .. }] = &l.tu[..] else {
        panic!("{:?}", l.tu)
    };
    let id = *id;
    assert_eq!(
        request.headers.get(&HeaderName::Via).unwrap().as_str(),
        "SIP/2.0/UDP 10.0.0.1:5060;rport=40000;branch=z9hG4bKi1;received=192.0.2.1"
    );
    l.recv(t0, Message::Request(inv.clone()), from("192.0.2.1:40000"));
    assert_eq!(l.tu.len(), 1, "a retransmission is no new request");
    assert_eq!(l.wire.len(), 1, "it got a 100 Trying");
    assert_eq!(
        l.wire[0].1.addr,
        "192.0.2.1:40000".parse().unwrap(),
        "§18.2.2 + rport"
    );
    l.layer.send_response(id, response(&inv, 486)).unwrap();
    l.pump(t0);
    let ack = crate::transaction::build_ack(&inv, &response(&inv, 486));
    l.recv(t0, Message::Request(ack), from("192.0.2.1:40000"));
    assert!(
        l.tu.iter().all(|e| !matches!(e, TuEvent::StrayAck { .. })),
        "ACK of non-2xx absorbed"
    );
}

#[test]
fn cancel_gets_own_transaction_and_names_the_invite() {
    let mut l = Inline::new(2);
    let t0 = Instant::now(); // clock-ok: test code
    l.recv(
        t0,
        Message::Request(invite("z9hG4bKc9")),
        from("10.0.0.1:5060"),
    );
    let TuEvent::Request { id: inv_id, .. } = l.tu[0].clone() else {
        panic!()
    };
    l.recv(
        t0,
        Message::Request(request(Method::Cancel, "z9hG4bKc9")),
        from("10.0.0.1:5060"),
    );
    let TuEvent::Cancel { id, invite, .. } = l.tu[1].clone() else {
        panic!("{:?}", l.tu)
    };
    assert_ne!(id, inv_id);
    assert_eq!(invite, Some(inv_id));
    l.recv(
        t0,
        Message::Request(request(Method::Cancel, "z9hG4bKzz")),
        from("10.0.0.1:5060"),
    );
    assert!(matches!(l.tu[2], TuEvent::Cancel { invite: None, .. }));
}

#[test]
fn strays_go_to_the_tu() {
    let mut l = Inline::new(3);
    let t0 = Instant::now(); // clock-ok: test code
    let ack = request(Method::Ack, "z9hG4bKnew");
    l.recv(t0, Message::Request(ack), from("10.0.0.1:5060"));
    assert!(matches!(l.tu[0], TuEvent::StrayAck { .. }));
    let resp = response(&invite("z9hG4bKnotours"), 200);
    l.recv(t0, Message::Response(resp), from("10.0.0.1:5060"));
    assert!(matches!(l.tu[1], TuEvent::StrayResponse { .. }));
    assert!(l.layer.is_empty());
}

#[test]
fn client_transactions_get_seeded_branches_and_their_responses() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut a = Inline::new(7);
    let mut b = Inline::new(7);
    let tgt = target(TransportKind::Udp);
    let ida = a
        .layer
        .send_request(t0, invite("placeholder"), tgt.clone())
        .unwrap();
    b.layer
        .send_request(t0, invite("placeholder"), tgt.clone())
        .unwrap();
    a.pump(t0);
    b.pump(t0);
    assert_eq!(a.wire, b.wire, "same seed, same branch");
    let Message::Request(sent) = a.wire[0].0.clone() else {
        panic!()
    };
    let via = sent
        .headers
        .get(&HeaderName::Via)
        .unwrap()
        .as_str()
        .to_owned();
    let branch = crate::sip::Via::parse(&via)
        .unwrap()
        .branch
        .unwrap()
        .to_owned();
    assert!(branch.starts_with(MAGIC_COOKIE) && branch.len() > 20);

    a.recv(
        t0,
        Message::Response(response(&sent, 180)),
        from("10.0.0.2:5060"),
    );
    assert!(
        matches!(&a.tu[0], TuEvent::Transaction { id, event: TxEvent::Response(_) } if *id == ida)
    );

    // CANCEL keeps the INVITE's branch, and is its own client transaction.
    let mut cancel = sent.clone();
    cancel.method = Method::Cancel;
    cancel.headers.set(HeaderName::CSeq, "1 CANCEL");
    let idc = a.layer.send_request(t0, cancel, tgt.clone()).unwrap();
    a.pump(t0);
    let Message::Request(c) = &a.wire.last().unwrap().0 else {
        panic!()
    };
    assert_eq!(c.headers.get(&HeaderName::Via).unwrap().as_str(), via);
    assert_ne!(idc, ida);

    assert_eq!(
        a.layer
            .send_request(t0, request(Method::Ack, "x"), tgt.clone()),
        Err(LayerError::AckNeedsNoTransaction)
    );
    let no_via = Request::new(Method::Options, uri());
    assert!(matches!(
        a.layer.send_request(t0, no_via, tgt),
        Err(LayerError::BadVia(_))
    ));
    assert_eq!(
        a.layer.send_response(ida, response(&sent, 200)),
        Err(LayerError::UnknownTransaction(ida))
    );
}

#[test]
fn send_failure_reaches_the_transaction() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut l = Inline::new(9);
    let id = l
        .layer
        .send_request(
            t0,
            request(Method::Options, "x"),
            target(TransportKind::Tcp),
        )
        .unwrap();
    l.pump(t0);
    let sent = l.wire[0].0.clone();
    assert_eq!(l.layer.send_failed(&sent), Some(id));
    l.pump(t0);
    assert!(l.tu.contains(&TuEvent::Transaction {
        id,
        event: TxEvent::TransportError
    }));
    assert!(l.layer.is_empty());

    l.recv(
        t0,
        Message::Request(request(Method::Bye, "z9hG4bKb")),
        from("10.0.0.1:5060"),
    );
    let TuEvent::Request {
        id, request: bye, ..
    } = l.tu.last().unwrap().clone()
    else {
        panic!()
    };
    l.layer.send_response(id, response(&bye, 200)).unwrap();
    l.pump(t0);
    let resp = l.wire.last().unwrap().0.clone();
    assert_eq!(l.layer.send_failed(&resp), Some(id));
}

/// Regression (found by the simulator's tcp_partition scenario): a request written into
/// a TCP connection that later broke waited for Timer F (32 s) instead of failing when
/// the connection closed.
#[test]
fn a_lost_connection_fails_the_client_transactions_sent_over_it() {
    let t0 = Instant::now(); // clock-ok: test code
    let mut l = Inline::new(10);
    let tcp = target(TransportKind::Tcp);
    let over_tcp = l
        .layer
        .send_request(t0, request(Method::Options, "a"), tcp.clone())
        .unwrap();
    let over_udp = l
        .layer
        .send_request(
            t0,
            request(Method::Options, "b"),
            target(TransportKind::Udp),
        )
        .unwrap();
    l.pump(t0);
    let elsewhere = "10.9.9.9:5060".parse().unwrap();
    assert_eq!(l.layer.connection_lost(TransportKind::Tcp, elsewhere), []);
    assert_eq!(
        l.layer.connection_lost(TransportKind::Tcp, tcp.addr),
        [over_tcp]
    );
    l.pump(t0);
    assert!(l.tu.contains(&TuEvent::Transaction {
        id: over_tcp,
        event: TxEvent::TransportError
    }));
    assert!(!l.tu.iter().any(|e| matches!(
        e,
        TuEvent::Transaction { id, event: TxEvent::TransportError } if *id == over_udp
    )));
    // Once failed, it is not failed twice.
    assert_eq!(l.layer.connection_lost(TransportKind::Tcp, tcp.addr), []);
}
