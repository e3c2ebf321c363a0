//! CPU of one call: an engine on 127.0.0.1 dials `--target` directly (no registrar;
//! e.g. baresip carol from `tests/peers/up.sh`, which answers by itself), keeps the call
//! `--seconds`, hangs up, and prints this process's CPU (user + system, `/proc/self/stat`)
//! for the whole run and for the call alone, with the negotiated codec and the media
//! counters from the call's record. `scripts/call_cpu.sh` runs it side by side with a
//! baresip caller making the same call (DESIGN.md: media CPU of a 60 s Opus call
//! ≤ 0.5× baresip's).
//!
//! `--codecs` goes through the engine's TOML config (`[media] codecs = [...]`), so a
//! codec the engine does not know yet is refused at start (exit status 3) rather than
//! silently dropped.
//!
//! `cargo run --release -p switchboard-benches --bin call_cpu -- --seconds 60 --codecs opus,pcmu,pcma`

use clap::Parser;
use futures::StreamExt;
use std::time::Duration;
use switchboard::{AccountConfig, DialOptions, Engine, EngineConfig, Event, EventStream};
use switchboard_benches::process_cpu_secs;
use tokio::time::{timeout_at, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Give up on call setup, hangup and the record after this long.
const STEP_LIMIT: Duration = Duration::from_secs(15);

/// One call's CPU.
#[derive(Debug, Parser)]
struct Args {
    /// Whom to call (host and port of the peer itself: no registrar is used).
    #[arg(long, default_value = "sip:carol@127.0.0.1:5090")]
    target: String,
    /// How long to keep the call, 1..=120 s.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=120))]
    seconds: u64,
    /// The codecs to offer, most preferred first (`[media] codecs`); the engine's
    /// default when empty.
    #[arg(long, value_delimiter = ',')]
    codecs: Vec<String>,
}

/// Call states after which nothing more happens to the call.
const TERMINAL: [&str; 3] = ["ended", "failed", "rejected"];

/// Exit status when the engine's config refuses `--codecs`.
const EXIT_CODECS: i32 = 3;

/// The engine's config as TOML: one UDP listener on an ephemeral loopback port, and
/// `[media] codecs` when given.
fn config_toml(codecs: &[String]) -> Result<String, String> {
    let mut toml = String::from("[[listeners]]\ntransport = \"udp\"\naddr = \"127.0.0.1:0\"\n");
    if !codecs.is_empty() {
        if let Some(bad) = codecs
            .iter()
            .find(|c| c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric()))
        {
            return Err(format!("codec name {bad:?}"));
        }
        let list: Vec<String> = codecs.iter().map(|c| format!("\"{c}\"")).collect();
        toml.push_str(&format!("[media]\ncodecs = [{}]\n", list.join(", ")));
    }
    Ok(toml)
}

/// The port of `sip:user@host:port[;params]` (5060 when there is none).
fn target_port(target: &str) -> Option<u16> {
    let hostport = target.rsplit('@').next()?.split([';', '?', '>']).next()?;
    match hostport.rsplit_once(':') {
        Some((_, port)) => port.parse().ok(),
        None => Some(5060),
    }
}

async fn start(config: EngineConfig) -> (Engine, EventStream) {
    let mut builder = Engine::builder().config(config);
    let mut events = builder.subscribe();
    let engine = builder.start().await.expect("engine starts");
    let deadline = Instant::now() + STEP_LIMIT; // clock-ok: bench driver
    while let Ok(Some(event)) = timeout_at(deadline, events.next()).await {
        if let Event::Listening { .. } = event {
            return (engine, events);
        }
    }
    panic!("the engine did not report listening");
}

/// Waits up to `limit` for `call_id` to reach `want`; `Err` with the last state seen
/// otherwise (also when the call ended first).
async fn until_state(
    events: &mut EventStream,
    call_id: &str,
    want: &str,
    limit: Duration,
) -> Result<(), String> {
    let deadline = Instant::now() + limit; // clock-ok: bench driver
    let mut last = String::from("nothing");
    while let Ok(Some(event)) = timeout_at(deadline, events.next()).await {
        if let Event::Call {
            call_id: id,
            state,
            reason,
            ..
        } = event
        {
            if id == call_id {
                if state == want {
                    return Ok(());
                }
                last = format!("{state} ({})", reason.unwrap_or_default());
                if TERMINAL.contains(&state.as_str()) {
                    break;
                }
            }
        }
    }
    Err(last)
}

async fn record(events: &mut EventStream, call_id: &str) -> Option<Box<switchboard::CallRecord>> {
    let deadline = Instant::now() + STEP_LIMIT; // clock-ok: bench driver
    while let Ok(Some(event)) = timeout_at(deadline, events.next()).await {
        if let Event::CallRecord { record } = event {
            if record.call_id == call_id {
                return Some(record);
            }
        }
    }
    None
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = match config_toml(&args.codecs).map(|t| EngineConfig::from_toml_str(&t)) {
        Ok(Ok(config)) => config,
        Ok(Err(e)) => {
            eprintln!("call_cpu: the engine refuses codecs {:?}: {e}", args.codecs);
            std::process::exit(EXIT_CODECS);
        }
        Err(e) => {
            eprintln!("call_cpu: {e}");
            std::process::exit(EXIT_CODECS);
        }
    };
    let offered: Vec<String> = config
        .media
        .codecs
        .iter()
        .map(|c| format!("{c:?}"))
        .collect();
    let port = target_port(&args.target).expect("target is sip:user@host[:port]");
    let (engine, mut events) = start(config).await;
    let mut account = AccountConfig::new("127.0.0.1", "127.0.0.1", "alice");
    account.port = Some(port);
    let alice = engine.add_account(account).await.expect("account");

    let cpu_dial = process_cpu_secs();
    let call = engine
        .dial(&alice, &args.target, DialOptions::new())
        .await
        .expect("dial");
    let call_id = call.id().to_owned();
    if let Err(last) = until_state(&mut events, &call_id, "confirmed", STEP_LIMIT).await {
        eprintln!("call_cpu: the call was not confirmed: {last}");
        std::process::exit(1);
    }
    let t0 = Instant::now(); // clock-ok: bench driver
                             // Hold the call, leaving early if it ends.
    let held_for = Duration::from_secs(args.seconds);
    let early = until_state(&mut events, &call_id, "ended", held_for).await;
    let ended_early = match &early {
        Ok(()) => true,
        Err(last) => TERMINAL.iter().any(|s| last.starts_with(s)),
    };
    if ended_early {
        eprintln!("call_cpu: the call ended early: {early:?}");
    }
    let report = call.media().await.ok().flatten();
    if !ended_early {
        call.hangup().await.expect("hangup");
        if let Err(last) = until_state(&mut events, &call_id, "ended", STEP_LIMIT).await {
            eprintln!("call_cpu: no `ended` after hangup: {last}");
        }
    }
    let held = t0.elapsed().as_secs_f64();
    let cpu_call = process_cpu_secs() - cpu_dial;
    let record = record(&mut events, &call_id).await;
    let _ = engine.shutdown().await;
    let cpu_total = process_cpu_secs();

    let codec = record
        .as_ref()
        .and_then(|r| r.codec.clone())
        .unwrap_or_else(|| "?".into());
    println!("offered: {}", offered.join(","));
    println!("codec: {codec}");
    println!(
        "held_secs: {held:.1}{}",
        if ended_early { " (ended early)" } else { "" }
    );
    println!("cpu_call_secs: {cpu_call:.3}");
    println!("cpu_total_secs: {cpu_total:.3}");
    if let Some(media) = record.as_ref().and_then(|r| r.media.as_ref()) {
        println!("media: {media:?}");
    } else if let Some(report) = report {
        println!("media: {:?}", report.stats);
    }
    if ended_early {
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_ports() {
        assert_eq!(target_port("sip:carol@127.0.0.1:5090"), Some(5090));
        assert_eq!(
            target_port("sip:carol@127.0.0.1:5090;transport=udp"),
            Some(5090)
        );
        assert_eq!(target_port("sip:carol@127.0.0.1"), Some(5060));
        assert_eq!(target_port("sip:carol@127.0.0.1:x"), None);
    }

    #[test]
    fn codecs_go_through_the_engine_config() {
        let toml = config_toml(&["pcmu".into(), "pcma".into()]).unwrap();
        let config = EngineConfig::from_toml_str(&toml).unwrap();
        assert_eq!(config.media.codecs.len(), 2);
        assert!(EngineConfig::from_toml_str(&config_toml(&["g729".into()]).unwrap()).is_err());
        assert!(config_toml(&["op\"us".into()]).is_err());
        let default = EngineConfig::from_toml_str(&config_toml(&[]).unwrap()).unwrap();
        assert_eq!(default.media, switchboard::MediaSettings::default());
    }
}
