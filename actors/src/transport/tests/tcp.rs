use super::*;
use ractor::Actor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn tcp_with(
    listen: Option<SocketAddr>,
    options: StreamOptions,
) -> (ActorRef<TransportMsg>, Events) {
    let (sink, events) = sink();
    let mut args = StreamArgs::tcp(TokioNetwork::shared(), listen, sink);
    args.options = options;
    let actor = Actor::spawn(None, StreamTransport, args).await.unwrap().0;
    (actor, events)
}

async fn tcp(listen: Option<SocketAddr>) -> (ActorRef<TransportMsg>, Events) {
    tcp_with(listen, StreamOptions::default()).await
}

async fn closed(events: &mut Events) -> TransportError {
    loop {
        match next_event(events).await {
            TransportEvent::ConnectionClosed { reason, .. } => return reason,
            TransportEvent::Inbound(_) => continue,
            other => panic!("expected a closed connection, got {other:?}"),
        }
    }
}

/// Reads from `stream` until EOF or error (a closed connection).
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let read = stream.read_to_end(&mut out);
    let _ = tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("still open");
    out
}

#[tokio::test]
async fn split_and_batched_writes_arrive_whole() {
    let (server, mut events) = tcp(Some(loopback())).await;
    let mut client = TcpStream::connect(local_addr(&server).await).await.unwrap();
    let (m1, m2, m3) = (
        request("INVITE", "v=0\r\n"),
        request("ACK", ""),
        request("BYE", "x"),
    );
    for part in [&m1[..10], &m1[10..40], &m1[40..]] {
        client.write_all(part).await.unwrap();
        client.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    client
        .write_all(&[m2.as_ref(), m3.as_ref()].concat())
        .await
        .unwrap();
    let mut flows = Vec::new();
    for expected in [m1, m2, m3] {
        let got = next_inbound(&mut events).await;
        assert_eq!(got.bytes, expected);
        flows.push(got.flow);
    }
    assert!(flows
        .iter()
        .all(|f| *f == flows[0] && f.kind == TransportKind::Tcp));
    assert_eq!(flows[0].remote, client.local_addr().unwrap());
    assert!(flows[0].conn.is_some());
}

#[tokio::test]
async fn response_goes_back_on_the_request_connection() {
    let (server, mut events) = tcp(Some(loopback())).await;
    let mut client = TcpStream::connect(local_addr(&server).await).await.unwrap();
    client.write_all(&request("OPTIONS", "")).await.unwrap();
    let got = next_inbound(&mut events).await;
    let resp = response("ok");
    send(&server, resp.clone(), Target::reply_to(&got.flow));
    let mut buf = vec![0u8; resp.len()];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(buf, resp);
    assert_eq!(connection_count(&server).await, 1);
}

#[tokio::test]
async fn second_request_to_same_address_reuses_the_connection() {
    let (server, mut server_events) = tcp(Some(loopback())).await;
    let (client, _client_events) = tcp(None).await;
    let to = target(TransportKind::Tcp, local_addr(&server).await);
    send(&client, request("REGISTER", ""), to.clone());
    let first = next_inbound(&mut server_events).await;
    send(&client, request("OPTIONS", ""), to);
    let second = next_inbound(&mut server_events).await;
    assert_eq!(first.flow, second.flow);
    assert_eq!(connection_count(&client).await, 1);
    assert_eq!(connection_count(&server).await, 1);
    assert_eq!(
        ractor::call!(client, TransportMsg::LocalAddr).unwrap(),
        None
    );
}

#[tokio::test]
async fn ping_is_answered_with_pong() {
    let (server, _events) = tcp(Some(loopback())).await;
    let mut client = TcpStream::connect(local_addr(&server).await).await.unwrap();
    client.write_all(b"\r\n\r\n").await.unwrap();
    let mut pong = [0u8; 2];
    client.read_exact(&mut pong).await.unwrap();
    assert_eq!(&pong, b"\r\n");
}

#[tokio::test]
async fn missing_content_length_closes_the_connection() {
    let (server, mut events) = tcp(Some(loopback())).await;
    let mut client = TcpStream::connect(local_addr(&server).await).await.unwrap();
    let ok = request("OPTIONS", "");
    client.write_all(&ok).await.unwrap();
    client
        .write_all(b"MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\nVia: x\r\n\r\nhello")
        .await
        .unwrap();
    assert_eq!(next_inbound(&mut events).await.bytes, ok);
    let reason = closed(&mut events).await;
    assert!(matches!(
        reason,
        TransportError::Framing(FramingError::MissingContentLength)
    ));
    read_to_close(&mut client).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(connection_count(&server).await, 0);
}

#[tokio::test]
async fn idle_connection_is_closed() {
    let idle = Duration::from_millis(300);
    let options = StreamOptions {
        idle_timeout: idle,
        ..StreamOptions::default()
    };
    let (server, mut events) = tcp_with(Some(loopback()), options).await;
    let mut client = TcpStream::connect(local_addr(&server).await).await.unwrap();
    let start = tokio::time::Instant::now();
    client.write_all(&request("OPTIONS", "")).await.unwrap();
    next_inbound(&mut events).await;
    assert_eq!(connection_count(&server).await, 1);
    assert!(matches!(closed(&mut events).await, TransportError::Idle));
    assert!(start.elapsed() >= idle);
    read_to_close(&mut client).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(connection_count(&server).await, 0);
}

#[tokio::test]
async fn connect_failure_is_reported_and_the_connection_forgotten() {
    let port = {
        let l = tokio::net::TcpListener::bind(loopback()).await.unwrap();
        l.local_addr().unwrap()
    };
    let (client, mut events) = tcp(None).await;
    send(
        &client,
        request("INVITE", ""),
        target(TransportKind::Tcp, port),
    );
    match next_event(&mut events).await {
        TransportEvent::SendFailed { target, error, .. } => {
            assert_eq!(target.addr, port);
            assert!(matches!(error, TransportError::Connect(_)), "{error:?}");
        }
        other => panic!("expected a send failure, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(connection_count(&client).await, 0);
}

#[tokio::test]
async fn response_on_a_closed_connection_opens_a_new_one() {
    let (server, mut server_events) = tcp(Some(loopback())).await;
    let (client, mut client_events) = tcp(Some(loopback())).await;
    let server_addr = local_addr(&server).await;
    let client_addr = local_addr(&client).await;
    send(
        &client,
        request("OPTIONS", ""),
        target(TransportKind::Tcp, server_addr),
    );
    let got = next_inbound(&mut server_events).await;
    // The stale connection id is gone: the response goes to the client's listener instead.
    let mut reply = Target::reply_to(&got.flow);
    reply.conn = Some(crate::vocab::ConnId(u64::MAX));
    reply.addr = client_addr;
    let resp = response("");
    send(&server, resp.clone(), reply);
    let back = next_inbound(&mut client_events).await;
    assert_eq!(back.bytes, resp);
    assert_eq!(back.flow.local, client_addr);
    assert_eq!(connection_count(&server).await, 2);
}
