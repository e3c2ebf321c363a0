//! The tracing layer that fills a [`LogBuffer`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use serde_json::Value;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Dispatch, Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use super::redact::{redact_field, redact_text};
use super::{LogBuffer, LogRecord};
use crate::clock::{SystemClock, WallClock};

/// A [`Layer`] recording every event it sees (with the fields of its enclosing spans,
/// credentials redacted) into a [`LogBuffer`]. It records what reaches it: filter it
/// (`.with_filter(LevelFilter::DEBUG)`) to keep TRACE out.
#[derive(Clone)]
pub struct LogCapture {
    buffer: LogBuffer,
    clock: Arc<dyn WallClock>,
}

impl fmt::Debug for LogCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogCapture")
            .field("buffer_len", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

/// A layer filling the process-wide [`LogBuffer::global`], stamped by the system clock.
pub fn capture_layer() -> LogCapture {
    LogCapture::with_buffer(LogBuffer::global().clone(), Arc::new(SystemClock))
}

impl LogCapture {
    /// A layer filling `buffer`, stamping records with `clock` (the simulator's own).
    pub fn with_buffer(buffer: LogBuffer, clock: Arc<dyn WallClock>) -> LogCapture {
        LogCapture { buffer, clock }
    }

    /// The buffer it fills.
    pub fn buffer(&self) -> &LogBuffer {
        &self.buffer
    }

    fn now_ms(&self) -> u64 {
        self.clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }
}

/// The recorded fields of a span, kept in its extensions.
struct SpanFields(BTreeMap<String, Value>);

/// Collects fields as JSON values, redacted; `message` apart.
#[derive(Default)]
struct Fields {
    message: Option<String>,
    fields: BTreeMap<String, Value>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        let name = field.name();
        if name == "message" {
            let text = match value {
                Value::String(s) => s,
                other => other.to_string(),
            };
            self.message = Some(redact_text(&text).into_owned());
        } else {
            self.fields
                .insert(name.to_owned(), redact_field(name, value));
        }
    }
}

impl Visit for Fields {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, Value::from(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

impl<S> Layer<S> for LogCapture
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_register_dispatch(&self, _subscriber: &Dispatch) {
        self.buffer.mark_attached();
    }

    fn on_layer(&mut self, _subscriber: &mut S) {
        self.buffer.mark_attached();
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut visitor = Fields::default();
        attrs.record(&mut visitor);
        // `replace`, not `insert`: a second capture layer on the same registry must
        // not panic on the extension being there already.
        let _ = span.extensions_mut().replace(SpanFields(visitor.fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut visitor = Fields::default();
        values.record(&mut visitor);
        let mut extensions = span.extensions_mut();
        match extensions.get_mut::<SpanFields>() {
            Some(known) => known.0.extend(visitor.fields),
            None => extensions.insert(SpanFields(visitor.fields)),
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut visitor = Fields::default();
        event.record(&mut visitor);
        let mut spans = BTreeMap::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(fields) = span.extensions().get::<SpanFields>() {
                    spans.extend(fields.0.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        let meta = event.metadata();
        self.buffer.push(LogRecord {
            t_ms: self.now_ms(),
            level: meta.level().as_str().to_owned(),
            target: meta.target().to_owned(),
            message: visitor.message.unwrap_or_default(),
            fields: visitor.fields,
            spans,
        });
    }
}
