use super::*;
use proptest::prelude::*;

fn drain(f: &mut Framer) -> Result<Vec<Frame>, FramingError> {
    let mut out = Vec::new();
    while let Some(frame) = f.next_frame()? {
        out.push(frame);
    }
    Ok(out)
}

fn msg(cl_header: &str, body: &str) -> Vec<u8> {
    format!("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n{cl_header}\r\n\r\n{body}")
        .into_bytes()
}

#[test]
fn partial_reads_assemble_one_message() {
    let m = msg("Content-Length: 5", "hello");
    let mut f = Framer::default();
    for b in &m[..m.len() - 1] {
        f.feed(std::slice::from_ref(b));
        assert_eq!(f.next_frame(), Ok(None));
    }
    f.feed(&m[m.len() - 1..]);
    assert_eq!(drain(&mut f), Ok(vec![Frame::Message(Bytes::from(m))]));
    assert_eq!(f.buffered(), 0);
}

#[test]
fn several_messages_in_one_read_and_compact_form() {
    let a = msg("l:3", "abc");
    let b = msg("content-LENGTH \t:  0 ", "");
    let mut f = Framer::default();
    f.feed(&[a.clone(), b.clone()].concat());
    let expected = vec![Frame::Message(a.into()), Frame::Message(b.into())];
    assert_eq!(drain(&mut f), Ok(expected));
}

#[test]
fn body_containing_crlfcrlf_is_not_split() {
    let a = msg("Content-Length: 8", "x\r\n\r\nyzw");
    let mut f = Framer::default();
    f.feed(&a);
    assert_eq!(drain(&mut f), Ok(vec![Frame::Message(a.into())]));
}

#[test]
fn keepalives_ping_pong_and_leading_crlf() {
    let a = msg("Content-Length: 0", "");
    let mut f = Framer::default();
    f.feed(b"\r\n\r\n");
    assert_eq!(drain(&mut f), Ok(vec![Frame::Ping]));
    // A lone CRLF waits: it may be the first half of a ping.
    f.feed(b"\r\n");
    assert_eq!(f.next_frame(), Ok(None));
    f.feed(b"\r\n");
    assert_eq!(drain(&mut f), Ok(vec![Frame::Ping]));
    // A CRLF then a message: a pong, then the message.
    f.feed(&[b"\r\n".as_slice(), &a].concat());
    assert_eq!(
        drain(&mut f),
        Ok(vec![Frame::Pong, Frame::Message(a.into())])
    );
    // Stray bare LF before a message is skipped silently.
    let b = msg("l: 1", "z");
    f.feed(&[b"\n".as_slice(), &b].concat());
    assert_eq!(drain(&mut f), Ok(vec![Frame::Message(b.into())]));
}

#[test]
fn after_our_ping_a_lone_crlf_is_the_pong() {
    let mut f = Framer::default();
    f.expect_pong();
    f.feed(b"\r\n");
    assert_eq!(f.next_frame(), Ok(Some(Frame::Pong)));
    assert_eq!(f.buffered(), 0);
    // Only one pong is expected: the next lone CRLF waits again.
    f.feed(b"\r\n");
    assert_eq!(f.next_frame(), Ok(None));
    f.feed(b"\r\n");
    assert_eq!(f.next_frame(), Ok(Some(Frame::Ping)));
}

#[test]
fn missing_content_length_is_an_error_and_sticks() {
    let mut f = Framer::default();
    f.feed(b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n");
    assert_eq!(f.next_frame(), Err(FramingError::MissingContentLength));
    f.feed(&msg("l:0", ""));
    assert_eq!(f.next_frame(), Err(FramingError::MissingContentLength));
}

#[test]
fn bad_or_conflicting_content_length() {
    for cl in [
        "Content-Length: x1",
        "Content-Length:",
        "l: 99999999999999999999999",
    ] {
        let mut f = Framer::default();
        f.feed(&msg(cl, ""));
        assert_eq!(
            f.next_frame(),
            Err(FramingError::InvalidContentLength),
            "{cl}"
        );
    }
    let mut f = Framer::default();
    f.feed(&msg("l: 1\r\nContent-Length: 2", "ab"));
    assert_eq!(f.next_frame(), Err(FramingError::InvalidContentLength));
}

#[test]
fn oversized_headers_and_body_are_refused() {
    let mut f = Framer::new(100);
    f.feed(&[b'A'; 101]);
    assert_eq!(
        f.next_frame(),
        Err(FramingError::HeaderTooLarge { limit: 100 })
    );

    let mut f = Framer::new(100);
    let m = msg("Content-Length: 1000", "");
    f.feed(&m);
    let length = m.len() + 1000;
    assert_eq!(
        f.next_frame(),
        Err(FramingError::MessageTooLarge { length, limit: 100 })
    );
}

#[derive(Debug, Clone)]
enum Item {
    Msg(Vec<u8>),
    Ping,
}

fn item() -> impl Strategy<Value = Item> {
    let cl_forms = prop_oneof![
        Just("Content-Length: {}"),
        Just("l:{}"),
        Just("content-length \t: {} "),
        Just("L : {}"),
    ];
    let body = proptest::collection::vec(any::<u8>(), 0..200);
    let message = (cl_forms, body, "[A-Z]{3,9}").prop_map(|(form, body, method)| {
        let cl = form.replace("{}", &body.len().to_string());
        let head = format!("{method} sip:x@y SIP/2.0\r\nCSeq: 1 {method}\r\n{cl}\r\n\r\n");
        Item::Msg([head.into_bytes(), body].concat())
    });
    prop_oneof![4 => message, 1 => Just(Item::Ping)]
}

proptest! {
    #[test]
    fn any_split_yields_exactly_the_messages(
        items in proptest::collection::vec(item(), 0..8),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut stream = Vec::new();
        for it in &items {
            match it {
                Item::Msg(m) => stream.extend_from_slice(m),
                Item::Ping => stream.extend_from_slice(b"\r\n\r\n"),
            }
        }
        let mut points: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
        points.push(0);
        points.push(stream.len());
        points.sort_unstable();
        let mut f = Framer::default();
        let mut frames = Vec::new();
        for w in points.windows(2) {
            f.feed(&stream[w[0]..w[1]]);
            frames.extend(drain(&mut f).unwrap());
        }
        let expected: Vec<Frame> = items
            .into_iter()
            .map(|it| match it {
                Item::Msg(m) => Frame::Message(m.into()),
                Item::Ping => Frame::Ping,
            })
            .collect();
        prop_assert_eq!(frames, expected);
        prop_assert_eq!(f.buffered(), 0);
    }
}
