//! The live preview of `planc watch --serve`: a small HTTP server on
//! loopback that serves the latest HTML report and tells open tabs to
//! reload after every rebuild (server-sent events). While the plan is
//! broken, the page is the last good report with the diagnostics laid over
//! it. The reload script and the overlay exist only in the served page,
//! never in files written with `-o`.

use askama::Template;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Where open tabs listen for reloads.
const EVENTS_PATH: &str = "/__planc/events";

/// How often an idle event stream sends a comment, so that a closed tab is
/// noticed (the write fails) and its thread ends.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A running preview server. Dropping it leaves the server running until
/// the process ends, which is what `planc watch` wants.
pub struct Preview {
    shared: Arc<Shared>,
    addr: SocketAddr,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// The last good HTML report, as the renderer wrote it.
    report: Option<String>,
    /// The diagnostics of the current, broken plan.
    problems: Option<Problems>,
    /// Bumped by every rebuild; tabs reload when it moves.
    version: u64,
}

struct Problems {
    summary: String,
    text: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking request thread must not take the preview down.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update(&self, change: impl FnOnce(&mut State)) {
        let mut state = self.lock();
        change(&mut state);
        state.version += 1;
        drop(state);
        self.changed.notify_all();
    }
}

impl Preview {
    /// Starts serving on `addr` (port 0: a free port) in a thread of its own.
    pub fn start(addr: SocketAddr) -> Result<Preview, String> {
        let server =
            tiny_http::Server::http(addr).map_err(|e| format!("cannot serve on {addr}: {e}"))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| format!("cannot serve on {addr}: not an IP address"))?;
        let shared = Arc::new(Shared::default());
        let for_server = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("planc-serve".into())
            .spawn(move || serve(&server, &for_server))
            .map_err(|e| format!("cannot start the preview server: {e}"))?;
        Ok(Preview { shared, addr })
    }

    /// The address actually bound (with the free port filled in).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A good build: show this report and clear any overlay.
    pub fn show_report(&self, html: String) {
        self.shared.update(|state| {
            state.report = Some(html);
            state.problems = None;
        });
    }

    /// A broken build: keep the last good report, lay the diagnostics over it.
    pub fn show_problems(&self, summary: String, text: String) {
        self.shared
            .update(|state| state.problems = Some(Problems { summary, text }));
    }
}

/// Reads `--serve ADDR`: a port alone (`8080`, on 127.0.0.1),
/// `localhost:PORT`, or a full address (`127.0.0.1:8080`, `[::1]:8080`).
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    let loopback = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
    if let Ok(port) = text.parse::<u16>() {
        return Ok(loopback(port));
    }
    if let Some(port) = text
        .strip_prefix("localhost:")
        .and_then(|p| p.parse::<u16>().ok())
    {
        return Ok(loopback(port));
    }
    text.parse::<SocketAddr>().map_err(|_| {
        if text.ends_with(".plan") {
            format!("`{text}` is a plan, not an address; put the plan first: `planc watch {text} --serve`")
        } else {
            format!("`{text}` is neither a port (`8080`) nor an address (`127.0.0.1:8080`)")
        }
    })
}

/// Answers requests until the process ends.
fn serve(server: &tiny_http::Server, shared: &Arc<Shared>) {
    for request in server.incoming_requests() {
        let url = request.url().to_string();
        let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
        let readable = matches!(
            request.method(),
            tiny_http::Method::Get | tiny_http::Method::Head
        );
        let result = match path {
            "/" | "/index.html" if readable => respond_page(request, shared),
            EVENTS_PATH if readable => {
                let seen = query_version(query);
                let shared = Arc::clone(shared);
                // Each open tab holds its stream for as long as it is open.
                let spawned = std::thread::Builder::new()
                    .name("planc-events".into())
                    .spawn(move || stream_events(request, &shared, seen));
                spawned.map(drop)
            }
            _ if readable => {
                request.respond(tiny_http::Response::from_string("not found").with_status_code(404))
            }
            _ => request.respond(
                tiny_http::Response::from_string("method not allowed").with_status_code(405),
            ),
        };
        // A tab closed mid-answer is the browser's business, not an error.
        drop(result);
    }
}

fn respond_page(request: tiny_http::Request, shared: &Shared) -> std::io::Result<()> {
    let page = page(&shared.lock());
    let mut response = tiny_http::Response::from_string(page);
    for (name, value) in [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
    ] {
        if let Ok(header) = tiny_http::Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    request.respond(response)
}

/// The version a tab was loaded at (`?v=N`), if it said.
fn query_version(query: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("v="))
        .and_then(|v| v.parse().ok())
}

/// Holds an event stream open and sends `reload` whenever the version
/// moves past the one the tab has; a tab loaded before the latest rebuild
/// reloads at once.
fn stream_events(request: tiny_http::Request, shared: &Shared, seen: Option<u64>) {
    let mut out = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    if write_flush(&mut out, head).is_err() {
        return;
    }
    let mut seen = seen.unwrap_or_else(|| shared.lock().version);
    loop {
        let state = shared.lock();
        let (state, _) = shared
            .changed
            .wait_timeout_while(state, KEEP_ALIVE, |s| s.version == seen)
            .unwrap_or_else(PoisonError::into_inner);
        let version = state.version;
        drop(state);
        let message = if version == seen {
            ": still here\n\n".to_string()
        } else {
            seen = version;
            format!("event: reload\ndata: {version}\n\n")
        };
        if write_flush(&mut out, &message).is_err() {
            return;
        }
    }
}

fn write_flush(out: &mut dyn Write, text: &str) -> std::io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The page a tab gets: the last good report (or a placeholder), the
/// overlay when the plan is broken, and the reload script.
fn page(state: &State) -> String {
    let report = match &state.report {
        Some(html) => html.clone(),
        None => Placeholder.render().unwrap_or_default(),
    };
    let mut extra = String::new();
    if let Some(problems) = &state.problems {
        let overlay = Overlay {
            summary: &problems.summary,
            text: &problems.text,
            kept: state.report.is_some(),
        };
        extra.push_str(&overlay.render().unwrap_or_default());
    }
    let script = ReloadScript {
        url: format!("{EVENTS_PATH}?v={}", state.version),
    };
    extra.push_str(&script.render().unwrap_or_default());
    inject_before_body_end(allow_event_stream(report), &extra)
}

/// The report may carry a Content-Security-Policy that forbids every
/// connection (it is meant to be opened from disk). The served copy lets
/// the page reach back to this server for reload events: a `connect-src`
/// directive put first wins over any later one.
fn allow_event_stream(mut html: String) -> String {
    let lower = html.to_ascii_lowercase();
    let Some(policy) = lower.find("http-equiv=\"content-security-policy\"") else {
        return html;
    };
    let tag_start = lower[..policy].rfind('<').unwrap_or(policy);
    let tag_end = lower[policy..]
        .find('>')
        .map_or(lower.len(), |end| policy + end);
    let Some(content) = lower[tag_start..tag_end].find("content=\"") else {
        return html;
    };
    html.insert_str(
        tag_start + content + "content=\"".len(),
        "connect-src 'self'; ",
    );
    html
}

/// Inserts `extra` before the last `</body>`, or at the end without one.
fn inject_before_body_end(mut html: String, extra: &str) -> String {
    match html.to_ascii_lowercase().rfind("</body>") {
        Some(at) => html.insert_str(at, extra),
        None => html.push_str(extra),
    }
    html
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>planc preview</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem;">
<p>Waiting for the plan to build; this page reloads by itself.</p>
</body></html>
"#
)]
struct Placeholder;

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<div id="planc-problems" role="alert" style="position: fixed; inset: 0; z-index: 2147483647; overflow: auto; background: rgba(20, 20, 24, 0.92); color: #f4f4f5; font: 14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 2rem;">
<p style="font: 600 1.1rem system-ui, sans-serif; margin: 0 0 1rem; color: #fca5a5;">The plan does not build: {{ summary }}.{% if kept %} Underneath is the last good report.{% endif %}</p>
<pre style="white-space: pre-wrap; margin: 0;">{{ text }}</pre>
<button type="button" onclick="this.parentNode.remove()" style="margin-top: 1rem;">Hide</button>
</div>"#
)]
struct Overlay<'a> {
    summary: &'a str,
    text: &'a str,
    kept: bool,
}

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<script>(function () {
  var events = new EventSource("{{ url }}");
  events.addEventListener("reload", function () { events.close(); location.reload(); });
})();</script>"#
)]
struct ReloadScript {
    url: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let html = inject_before_body_end("<html><body><p>x</p></BODY></html>".into(), "<s>");
        assert_eq!(html, "<html><body><p>x</p><s></BODY></html>");
    }

    #[test]
    fn a_page_without_a_body_gets_the_script_at_the_end() {
        assert_eq!(inject_before_body_end("{}".into(), "<s>"), "{}<s>");
    }

    #[test]
    fn diagnostics_in_the_overlay_are_escaped() {
        let state = State {
            report: Some("<body></body>".into()),
            problems: Some(Problems {
                summary: "1 error".into(),
                text: "error: unknown task `<script>`".into(),
            }),
            version: 3,
        };
        let page = page(&state);
        assert!(!page.contains("`<script>`"), "{page}");
        assert!(page.contains("unknown task"), "{page}");
        assert!(page.contains("last good report"), "{page}");
        assert!(page.contains("/__planc/events?v=3"), "{page}");
    }

    #[test]
    fn a_strict_policy_lets_the_page_reach_the_event_stream() {
        let html = r#"<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>"#;
        let served = allow_event_stream(html.into());
        assert!(
            served.contains(r#"content="connect-src 'self'; default-src 'none'""#),
            "{served}"
        );
        let reversed =
            r#"<meta content="default-src 'none'" http-equiv="content-security-policy">"#;
        assert!(allow_event_stream(reversed.into()).contains("connect-src 'self'; default-src"));
        assert_eq!(
            allow_event_stream("<p>no policy</p>".into()),
            "<p>no policy</p>"
        );
    }

    #[test]
    fn serve_addresses_default_to_loopback() {
        assert_eq!(
            parse_addr("8080"),
            Ok(SocketAddr::from(([127, 0, 0, 1], 8080)))
        );
        assert_eq!(
            parse_addr("localhost:9000"),
            Ok(SocketAddr::from(([127, 0, 0, 1], 9000)))
        );
        assert_eq!(
            parse_addr("0.0.0.0:80"),
            Ok(SocketAddr::from(([0, 0, 0, 0], 80)))
        );
        assert!(parse_addr("plan.plan")
            .unwrap_err()
            .contains("planc watch plan.plan --serve"));
        assert!(parse_addr("nonsense").is_err());
    }

    #[test]
    fn the_version_is_read_from_the_query() {
        assert_eq!(query_version("v=12"), Some(12));
        assert_eq!(query_version("x=1&v=4"), Some(4));
        assert_eq!(query_version("v=oops"), None);
        assert_eq!(query_version(""), None);
    }
}
