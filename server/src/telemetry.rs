//! Trace export: the request spans (and everything logged inside them) go
//! to an OpenTelemetry collector over OTLP/HTTP when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and nowhere otherwise. A caller's
//! W3C `traceparent` becomes the parent of the request's span
//! (`http::request_span`), so Stafett's spans join the frontend's or the
//! proxy's trace.

use anyhow::{Context, Result};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;

/// The tracer provider exporting to `endpoint`. Spans are batched on the
/// SDK's own thread; [`SdkTracerProvider::shutdown`] flushes what is left.
pub fn provider(endpoint: &str) -> Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()
        .context("the OTLP trace exporter")?;
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name("stafett").build())
        .build())
}

/// The tracing layer that hands spans to `provider`.
pub fn layer<S>(
    provider: &SdkTracerProvider,
) -> tracing_opentelemetry::OpenTelemetryLayer<S, opentelemetry_sdk::trace::Tracer>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    tracing_opentelemetry::layer().with_tracer(provider.tracer("stafett"))
}

/// Makes the caller's trace (from `traceparent`) the parent of `span`.
pub fn join_trace(span: &tracing::Span, trace_id: &str, parent_span_id: &str, sampled: bool) {
    use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
    use tracing_opentelemetry::OpenTelemetrySpanExt;
    let (Ok(trace_id), Ok(span_id)) = (TraceId::from_hex(trace_id), SpanId::from_hex(parent_span_id)) else {
        return;
    };
    let flags = if sampled { TraceFlags::SAMPLED } else { TraceFlags::default() };
    let remote = SpanContext::new(trace_id, span_id, flags, true, TraceState::default());
    let _ = span.set_parent(opentelemetry::Context::new().with_remote_span_context(remote));
}
