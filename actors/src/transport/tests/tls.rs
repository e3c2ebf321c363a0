use super::*;
use ractor::Actor;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};

/// A CA certificate (PEM) and a server certificate chain and key it issued for
/// "localhost" and 127.0.0.1.
struct Pki {
    ca: String,
    chain: String,
    key: String,
}

fn ca() -> (rcgen::Certificate, KeyPair) {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    (params.self_signed(&key).unwrap(), key)
}

fn pki() -> Pki {
    let (ca_cert, ca_key) = ca();
    let params = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let key = KeyPair::generate().unwrap();
    let leaf = params.signed_by(&key, &ca_cert, &ca_key).unwrap();
    Pki {
        ca: ca_cert.pem(),
        chain: leaf.pem(),
        key: key.serialize_pem(),
    }
}

fn trusting(ca_pem: &str) -> TlsConfig {
    TlsConfig {
        trust: TrustStore::Pem(vec![PemSource::inline(ca_pem)]),
        ..TlsConfig::default()
    }
}

async fn server(pki: &Pki) -> (ActorRef<TransportMsg>, Events) {
    let config = TlsConfig {
        cert_chain: Some(PemSource::inline(pki.chain.as_str())),
        key: Some(PemSource::inline(pki.key.as_str())),
        ..trusting(&pki.ca)
    };
    spawn(config, Some(loopback())).await
}

async fn spawn(config: TlsConfig, listen: Option<SocketAddr>) -> (ActorRef<TransportMsg>, Events) {
    let (sink, events) = sink();
    let args = StreamArgs::tls(
        TokioNetwork::shared(),
        listen,
        config.build().unwrap(),
        sink,
    );
    (
        Actor::spawn(None, StreamTransport, args).await.unwrap().0,
        events,
    )
}

fn tls_target(addr: SocketAddr, name: Option<&str>) -> Target {
    Target {
        server_name: name.map(str::to_owned),
        ..target(TransportKind::Tls, addr)
    }
}

async fn refused(events: &mut Events) -> rustls::Error {
    match next_event(events).await {
        TransportEvent::SendFailed {
            error: TransportError::Tls(e),
            ..
        } => e,
        other => panic!("expected a TLS send failure, got {other:?}"),
    }
}

#[tokio::test]
async fn client_trusting_the_ca_exchanges_messages() {
    let pki = pki();
    let (server, mut server_events) = server(&pki).await;
    let (client, mut client_events) = spawn(trusting(&pki.ca), None).await;
    let addr = local_addr(&server).await;
    for name in [Some("localhost"), None] {
        let req = request("OPTIONS", "tls");
        send(&client, req.clone(), tls_target(addr, name));
        let got = next_inbound(&mut server_events).await;
        assert_eq!(got.bytes, req);
        assert_eq!(got.flow.kind, TransportKind::Tls);
        let resp = response("secure");
        send(&server, resp.clone(), Target::reply_to(&got.flow));
        let back = next_inbound(&mut client_events).await;
        assert_eq!(back.bytes, resp);
        assert_eq!(back.flow.remote, addr);
    }
    assert_eq!(connection_count(&client).await, 1);
}

#[tokio::test]
async fn default_trust_store_refuses_a_private_ca() {
    let pki = pki();
    let (server, _server_events) = server(&pki).await;
    let (client, mut events) = spawn(TlsConfig::default(), None).await;
    send(
        &client,
        request("OPTIONS", ""),
        tls_target(local_addr(&server).await, Some("localhost")),
    );
    assert!(matches!(
        refused(&mut events).await,
        rustls::Error::InvalidCertificate(_)
    ));
}

#[tokio::test]
async fn another_ca_or_wrong_name_is_refused() {
    let pki = pki();
    let (server, _server_events) = server(&pki).await;
    let addr = local_addr(&server).await;
    let other_ca = ca().0.pem();
    let (client, mut events) = spawn(trusting(&other_ca), None).await;
    send(
        &client,
        request("OPTIONS", ""),
        tls_target(addr, Some("localhost")),
    );
    assert!(matches!(
        refused(&mut events).await,
        rustls::Error::InvalidCertificate(_)
    ));

    let (client, mut events) = spawn(trusting(&pki.ca), None).await;
    send(
        &client,
        request("OPTIONS", ""),
        tls_target(addr, Some("example.com")),
    );
    assert!(matches!(
        refused(&mut events).await,
        rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForNameContext { .. })
            | rustls::Error::InvalidCertificate(rustls::CertificateError::NotValidForName)
    ));
}

#[tokio::test]
async fn tls_listener_without_identity_does_not_start() {
    let (sink, _events) = sink();
    let ctx = TlsConfig::default().build().unwrap();
    assert!(!ctx.can_listen());
    let args = StreamArgs::tls(TokioNetwork::shared(), Some(loopback()), ctx, sink);
    assert!(Actor::spawn(None, StreamTransport, args).await.is_err());
}

#[test]
fn config_errors_name_the_field() {
    let pki = pki();
    let only_key = TlsConfig {
        key: Some(PemSource::inline(pki.key.as_str())),
        ..TlsConfig::default()
    };
    assert!(matches!(
        only_key.build(),
        Err(TlsConfigError::Missing(TlsField::CertChain))
    ));

    let no_key = TlsConfig {
        cert_chain: Some(PemSource::inline(pki.chain.as_str())),
        key: Some(PemSource::inline(pki.chain.as_str())),
        ..TlsConfig::default()
    };
    assert!(matches!(no_key.build(), Err(TlsConfigError::NoKey)));

    let garbage = trusting("not a certificate");
    assert!(matches!(
        garbage.build(),
        Err(TlsConfigError::NoCertificate(TlsField::Trust))
    ));

    let missing = TlsConfig {
        cert_chain: Some(PemSource::File("/nonexistent/switchboard/cert.pem".into())),
        key: Some(PemSource::inline(pki.key.as_str())),
        ..TlsConfig::default()
    };
    let err = missing.build().unwrap_err();
    assert!(matches!(
        err,
        TlsConfigError::Read {
            field: TlsField::CertChain,
            ..
        }
    ));
    assert!(err.to_string().starts_with("cert_chain:"));

    let other_key = KeyPair::generate().unwrap().serialize_pem();
    let mismatch = TlsConfig {
        cert_chain: Some(PemSource::inline(pki.chain.as_str())),
        key: Some(PemSource::inline(other_key)),
        ..TlsConfig::default()
    };
    assert!(matches!(
        mismatch.build(),
        Err(TlsConfigError::Rejected {
            field: TlsField::Key,
            ..
        })
    ));
}
