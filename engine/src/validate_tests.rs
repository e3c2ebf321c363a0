use crate::config::{EngineConfig, MailboxBounds, ParseLimits, RestartConfig};
use crate::validate::ConfigError;
use switchboard_actors::vocab::TransportKind;

fn field_of(err: ConfigError) -> String {
    match err {
        ConfigError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn addr(s: &str) -> std::net::SocketAddr {
    s.parse().unwrap()
}

#[test]
fn defaults_are_valid() {
    EngineConfig::default().validate().unwrap();
    assert_eq!(EngineConfig::default().seed, crate::config::DEFAULT_SEED);
    assert_eq!(EngineConfig::default().limits.max_message_size, 65536);
}

#[test]
fn timer_errors_name_the_field() {
    let b = || EngineConfig::builder();
    assert_eq!(
        field_of(b().timers(0, 4000, 5000).build().unwrap_err()),
        "timers.t1"
    );
    assert_eq!(
        field_of(b().timers(500, 400, 5000).build().unwrap_err()),
        "timers.t2"
    );
    assert_eq!(
        field_of(b().timers(500, 4000, 0).build().unwrap_err()),
        "timers.t4"
    );
    assert_eq!(
        field_of(b().timers(500, 4000, 600_001).build().unwrap_err()),
        "timers.t4"
    );
}

#[test]
fn limit_errors_name_the_field() {
    let with = |l: ParseLimits| field_of(EngineConfig::builder().limits(l).build().unwrap_err());
    let d = ParseLimits::default();
    assert_eq!(
        with(ParseLimits {
            max_message_size: 100,
            ..d
        }),
        "limits.max_message_size"
    );
    assert_eq!(
        with(ParseLimits {
            max_headers: 0,
            ..d
        }),
        "limits.max_headers"
    );
    assert_eq!(
        with(ParseLimits {
            max_header_len: 10,
            ..d
        }),
        "limits.max_header_len"
    );
    let big = ParseLimits {
        max_message_size: 2000,
        max_header_len: 4000,
        ..d
    };
    assert_eq!(with(big), "limits.max_header_len");
}

#[test]
fn other_field_errors() {
    let b = || EngineConfig::builder();
    assert_eq!(
        field_of(b().user_agent("  ").build().unwrap_err()),
        "user_agent"
    );
    assert_eq!(
        field_of(b().user_agent("a\r\nX: y").build().unwrap_err()),
        "user_agent"
    );
    assert_eq!(
        field_of(b().event_channel_bound(0).build().unwrap_err()),
        "event_channel_bound"
    );
    let m = MailboxBounds {
        transport_inbound: 0,
        transaction: 1,
    };
    assert_eq!(
        field_of(b().mailbox(m).build().unwrap_err()),
        "mailbox.transport_inbound"
    );
    let m = MailboxBounds {
        transport_inbound: 1,
        transaction: 0,
    };
    assert_eq!(
        field_of(b().mailbox(m).build().unwrap_err()),
        "mailbox.transaction"
    );
    let r = RestartConfig {
        backoff_ms: 10,
        max_backoff_ms: 5,
        ..RestartConfig::default()
    };
    assert_eq!(
        field_of(b().restart(r).build().unwrap_err()),
        "restart.max_backoff_ms"
    );
    let r = RestartConfig {
        window_ms: 0,
        ..RestartConfig::default()
    };
    assert_eq!(
        field_of(b().restart(r).build().unwrap_err()),
        "restart.window_ms"
    );
}

#[test]
fn duplicate_listener_is_refused_but_udp_and_tcp_may_share() {
    let a = addr("127.0.0.1:5060");
    let ok = EngineConfig::builder()
        .listen(TransportKind::Udp, a)
        .listen(TransportKind::Tcp, a)
        .build();
    assert!(ok.is_ok());
    let err = EngineConfig::builder()
        .listen(TransportKind::Udp, a)
        .listen(TransportKind::Tcp, a)
        .listen(TransportKind::Udp, a)
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        ConfigError::DuplicateListener {
            addr: a,
            first: 0,
            second: 2
        }
    );
    // TLS shares the TCP port space.
    let err = EngineConfig::builder()
        .listen(TransportKind::Tcp, a)
        .listen_tls(a, "c.pem", "k.pem")
        .build()
        .unwrap_err();
    assert!(matches!(
        err,
        ConfigError::DuplicateListener { second: 1, .. }
    ));
    // Ephemeral ports never clash.
    let eph = addr("127.0.0.1:0");
    let ok = EngineConfig::builder()
        .listen(TransportKind::Udp, eph)
        .listen(TransportKind::Udp, eph)
        .build();
    assert!(ok.is_ok());
}

#[test]
fn tls_needs_cert_and_only_tls_takes_one() {
    let mut cfg = EngineConfig::builder()
        .listen_tls(addr("127.0.0.1:5061"), "c", "k")
        .build()
        .unwrap();
    cfg.listeners[0].tls = None;
    assert_eq!(
        cfg.validate().unwrap_err(),
        ConfigError::TlsWithoutCert {
            index: 0,
            addr: addr("127.0.0.1:5061")
        }
    );
    let err = EngineConfig::builder()
        .listen_tls(addr("127.0.0.1:5061"), "", "k")
        .build()
        .unwrap_err();
    assert_eq!(field_of(err), "listeners[0].tls.cert_path");
    let err = EngineConfig::builder()
        .listen_tls(addr("127.0.0.1:5061"), "c", "")
        .build()
        .unwrap_err();
    assert_eq!(field_of(err), "listeners[0].tls.key_path");
    let mut cfg = EngineConfig::builder()
        .listen_tls(addr("127.0.0.1:5061"), "c", "k")
        .build()
        .unwrap();
    cfg.listeners[0].transport = TransportKind::Udp;
    assert_eq!(field_of(cfg.validate().unwrap_err()), "listeners[0].tls");
}

#[test]
fn non_loopback_is_allowed_and_listed_as_exposed() {
    let cfg = EngineConfig::builder()
        .listen(TransportKind::Udp, addr("0.0.0.0:5060"))
        .listen(TransportKind::Udp, addr("[::1]:5060"))
        .build()
        .unwrap();
    let exposed: Vec<_> = cfg.exposed_listeners().map(|l| l.addr).collect();
    assert_eq!(exposed, vec![addr("0.0.0.0:5060")]);
}

#[test]
fn toml_round_trip_and_defaults() {
    let text = r#"
        seed = 7
        user_agent = "test/1"
        [[listeners]]
        transport = "udp"
        addr = "127.0.0.1:5060"
        [[listeners]]
        transport = "tls"
        addr = "127.0.0.1:5061"
        tls = { cert_path = "c.pem", key_path = "k.pem" }
        [timers]
        t1 = 250
    "#;
    let cfg = EngineConfig::from_toml_str(text).unwrap();
    assert_eq!(cfg.seed, 7);
    assert_eq!(cfg.timers.t1, 250);
    assert_eq!(cfg.timers.t2, 4000);
    assert_eq!(cfg.listeners[1].transport, TransportKind::Tls);
    assert_eq!(
        cfg.listeners[1].tls.as_ref().unwrap().key_path.to_str(),
        Some("k.pem")
    );
}

#[test]
fn toml_errors_are_typed() {
    let err = EngineConfig::from_toml_str("sed = 1").unwrap_err();
    assert!(matches!(err, ConfigError::Toml { .. }), "{err:?}");
    let err =
        EngineConfig::from_toml_str("[[listeners]]\ntransport = \"sctp\"\naddr = \"127.0.0.1:1\"")
            .unwrap_err();
    assert!(matches!(err, ConfigError::Toml { .. }), "{err:?}");
    let err = EngineConfig::from_toml_str("[timers]\nt2 = 1").unwrap_err();
    assert_eq!(field_of(err), "timers.t2");
}

#[test]
fn call_policies_and_codecs_are_read_and_checked() {
    let text = r#"
        [calls]
        call_limit = 3
        over_limit = "ignore"
        cellular = "hold_and_resume"
        [media]
        codecs = ["pcma", "pcmu"]
    "#;
    let cfg = EngineConfig::from_toml_str(text).unwrap();
    assert_eq!(cfg.calls.call_limit, 3);
    assert_eq!(cfg.calls.over_limit, crate::config::OverLimit::Ignore);
    assert_eq!(
        cfg.calls.cellular,
        crate::config::CellularPolicy::HoldAndResume
    );
    assert!(cfg.calls.single_active);
    assert_eq!(cfg.media.codecs[0], crate::config::AudioCodec::Pcma);
    for (text, field) in [
        ("[calls]\ncall_limit = 0", "calls.call_limit"),
        ("[calls]\nring_timeout_secs = 0", "calls.ring_timeout_secs"),
        ("[media]\ncodecs = []", "media.codecs"),
        ("[media]\ncodecs = [\"pcmu\", \"pcmu\"]", "media.codecs"),
    ] {
        let err = EngineConfig::from_toml_str(text).unwrap_err();
        assert_eq!(field_of(err), field, "{text}");
    }
    let err = EngineConfig::from_toml_str("[media]\ncodecs = [\"g729\"]").unwrap_err();
    assert!(matches!(err, ConfigError::Toml { .. }), "{err:?}");
}
