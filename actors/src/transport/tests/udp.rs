use super::*;
use ractor::Actor;

async fn udp(sink: Sink) -> ActorRef<TransportMsg> {
    let args = UdpArgs {
        network: TokioNetwork::shared(),
        bind: loopback(),
        sink,
    };
    Actor::spawn(None, UdpTransport, args).await.unwrap().0
}

#[tokio::test]
async fn udp_round_trip_between_two_transports() {
    let (sink_a, mut events_a) = sink();
    let (sink_b, mut events_b) = sink();
    let a = udp(sink_a).await;
    let b = udp(sink_b).await;
    let (addr_a, addr_b) = (local_addr(&a).await, local_addr(&b).await);

    let req = request("OPTIONS", "");
    send(&a, req.clone(), target(TransportKind::Udp, addr_b));
    let got = next_inbound(&mut events_b).await;
    assert_eq!(got.bytes, req);
    assert_eq!(got.flow.kind, TransportKind::Udp);
    assert_eq!(got.flow.remote, addr_a);
    assert_eq!(got.flow.local, addr_b);
    assert_eq!(got.flow.conn, None);

    let resp = response("pong");
    send(&b, resp.clone(), Target::reply_to(&got.flow));
    let back = next_inbound(&mut events_a).await;
    assert_eq!(back.bytes, resp);
    assert_eq!(back.flow.remote, addr_b);
    assert_eq!(ractor::call!(a, TransportMsg::ConnectionCount).unwrap(), 0);
}

#[tokio::test]
async fn udp_ignores_crlf_keepalives_and_refuses_other_kinds() {
    let (sink_b, mut events_b) = sink();
    let b = udp(sink_b).await;
    let addr_b = local_addr(&b).await;
    let raw = tokio::net::UdpSocket::bind(loopback()).await.unwrap();
    raw.send_to(b"\r\n\r\n", addr_b).await.unwrap();
    let req = request("INFO", "x");
    raw.send_to(&req, addr_b).await.unwrap();
    assert_eq!(next_inbound(&mut events_b).await.bytes, req);

    send(&b, req, target(TransportKind::Tcp, addr_b));
    match next_event(&mut events_b).await {
        TransportEvent::SendFailed { error, .. } => assert!(matches!(
            error,
            TransportError::WrongKind {
                expected: TransportKind::Udp,
                got: TransportKind::Tcp
            }
        )),
        other => panic!("expected a send failure, got {other:?}"),
    }
}

#[test]
fn udp_size_rule_of_rfc3261_18_1_1() {
    assert!(!udp_too_large(0));
    assert!(!udp_too_large(1300));
    assert!(udp_too_large(1301));
    assert!(udp_too_large(65_000));
}

#[tokio::test]
async fn large_request_over_udp_is_still_sent() {
    let (sink_a, _events_a) = sink();
    let (sink_b, mut events_b) = sink();
    let a = udp(sink_a).await;
    let b = udp(sink_b).await;
    let body = "v".repeat(2000);
    let req = request("MESSAGE", &body);
    assert!(udp_too_large(req.len()));
    send(
        &a,
        req.clone(),
        target(TransportKind::Udp, local_addr(&b).await),
    );
    assert_eq!(next_inbound(&mut events_b).await.bytes, req);
}
