//! TLS through the engine: a `switchboard` TLS listener with a certificate issued by a
//! test CA (rcgen) answers OPTIONS from a client that trusts that CA; a client with the
//! default (webpki) trust store refuses the certificate.

mod common;

use bytes::Bytes;
use ractor::Actor;
use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
use std::time::Duration;
use switchboard::{EngineConfig, TransportKind};
use switchboard_actors::transport::{
    PemSource, StreamArgs, StreamTransport, TlsConfig, TokioNetwork, TransportError,
    TransportEvent, TransportMsg, TrustStore,
};
use switchboard_actors::vocab::Target;
use tokio::sync::mpsc;

struct Pki {
    ca: String,
    dir: std::path::PathBuf,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    let dir = std::env::temp_dir().join(format!("sb-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), leaf_key.serialize_pem()).unwrap();
    Pki { ca: ca.pem(), dir }
}

async fn client(
    trust: TrustStore,
) -> (
    ractor::ActorRef<TransportMsg>,
    mpsc::UnboundedReceiver<TransportEvent>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let tls = TlsConfig {
        cert_chain: None,
        key: None,
        trust,
    }
    .build()
    .unwrap();
    let args = StreamArgs::tls(TokioNetwork::shared(), None, tls, std::sync::Arc::new(tx));
    let (actor, _) = Actor::spawn(None, StreamTransport, args).await.unwrap();
    (actor, rx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_listener_answers_a_trusting_client_and_is_refused_by_others() {
    let pki = pki();
    let cfg = EngineConfig::builder()
        .listen_tls(
            "127.0.0.1:0".parse().unwrap(),
            pki.dir.join("cert.pem"),
            pki.dir.join("key.pem"),
        )
        .build()
        .unwrap();
    let run = common::start(cfg).await;
    let to = run.addr(TransportKind::Tls);
    let target = Target {
        kind: TransportKind::Tls,
        addr: to,
        conn: None,
        server_name: Some("localhost".into()),
    };

    let (good, mut events) = client(TrustStore::Pem(vec![PemSource::Inline(
        pki.ca.clone().into_bytes(),
    )]))
    .await;
    let from = "127.0.0.1:1".parse().unwrap(); // the Via sent-by; the reply uses the connection
    let bytes = Bytes::from(common::options(to, from, "TLS", 1, ""));
    good.cast(TransportMsg::Send {
        bytes,
        target: target.clone(),
    })
    .unwrap();
    let reply = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("an answer over TLS")
        .unwrap();
    match reply {
        TransportEvent::Inbound(inbound) => {
            let text = String::from_utf8_lossy(&inbound.bytes).into_owned();
            assert!(text.starts_with("SIP/2.0 200 "), "{text}");
        }
        other => panic!("expected the 200, got {other:?}"),
    }

    let (bad, mut events) = client(TrustStore::WebpkiRoots).await;
    let bytes = Bytes::from(common::options(to, from, "TLS", 2, ""));
    bad.cast(TransportMsg::Send { bytes, target }).unwrap();
    let failed = tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("a failure report")
        .unwrap();
    assert!(
        matches!(
            failed,
            TransportEvent::SendFailed {
                error: TransportError::Tls(rustls::Error::InvalidCertificate(_)),
                ..
            }
        ),
        "an untrusted certificate must be refused: {failed:?}"
    );
    good.stop(None);
    bad.stop(None);
    run.engine.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&pki.dir);
}
