//! The live preview of `planc watch --serve`: a small HTTP server on
//! loopback that serves the latest HTML report and tells open tabs to
//! reload after every rebuild (server-sent events). While the plan is
//! broken, the page is the last good report with the diagnostics laid over
//! it. The reload script and the overlay exist only in the served page,
//! never in files written with `-o`.
//!
//! The server is written here on `std::net` with `httparse` (hyper's
//! request parser) reading the request head. `tiny_http`, used before,
//! cannot be bounded from outside: it reads a head of any size and starts a
//! thread for every connection, and a failed thread start ends its accept
//! loop for good. An async server would bring a whole runtime for two GET
//! routes. Here every limit is one constant: the head size, the number of
//! connections and of event streams (503 beyond), the time a client has to
//! send its head, and only requests naming this server in `Host` are
//! answered, so a web page cannot read the report by DNS rebinding.

use askama::Template;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Where open tabs listen for reloads.
const EVENTS_PATH: &str = "/__planc/events";

/// How often an idle event stream sends a comment, so that a tab notices a
/// server that has gone.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// How often an idle event stream looks whether its tab has gone.
const CLOSED_CHECK: Duration = Duration::from_millis(500);

/// Connections served at once, event streams included; more get a 503.
const MAX_CONNECTIONS: usize = 64;

/// Event streams (one per open tab) at once; fewer than the connections,
/// so that pages still load while many tabs are open.
const MAX_STREAMS: usize = 48;

/// The largest request head (request line and headers) read; a larger one
/// gets a 431 and is never held in memory.
const MAX_HEAD: usize = 32 * 1024;

/// More header lines than this get a 431 too.
const MAX_HEADERS: usize = 64;

/// How long a client has to send its whole request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// How long one write to a client may block before it is given up.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// Refused connections waiting for their 503, and answered ones waiting for
/// their clients to close; more are closed at once.
const REFUSE_QUEUE: usize = 64;

/// How long a refused client gets to read its answer. Closing a socket with
/// unread input resets it, which can destroy the answer on its way.
const LINGER: Duration = Duration::from_millis(500);

/// How often refused connections are looked at while they linger.
const LINGER_POLL: Duration = Duration::from_millis(20);

/// Accept failing without a break this long (no file descriptors left, for
/// instance) counts as a dead listener: it is reported and bound anew.
const DEAD_AFTER: Duration = Duration::from_secs(2);

/// The pause after a failed accept, so a failing listener does not spin.
const RETRY: Duration = Duration::from_millis(50);

/// The pause before binding again an address that is taken.
const REBIND: Duration = Duration::from_millis(500);

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
        let listener =
            TcpListener::bind(addr).map_err(|e| format!("cannot serve on {addr}: {e}"))?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot serve on {addr}: {e}"))?;
        let shared = Arc::new(Shared::default());
        let server = Server::start(Arc::clone(&shared), addr)?;
        std::thread::Builder::new()
            .name("planc-serve".into())
            .spawn(move || server.keep_listening(listener, bind_until_bound))
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

/// What the accept loop hands to the threads it starts.
#[derive(Clone)]
struct Server {
    shared: Arc<Shared>,
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    streams: Arc<AtomicUsize>,
    refuse: SyncSender<TcpStream>,
}

impl Server {
    fn start(shared: Arc<Shared>, addr: SocketAddr) -> Result<Server, String> {
        let (refuse, refused) = mpsc::sync_channel(REFUSE_QUEUE);
        std::thread::Builder::new()
            .name("planc-refuse".into())
            .spawn(move || refuse_all(&refused))
            .map_err(|e| format!("cannot start the preview server: {e}"))?;
        Ok(Server {
            shared,
            addr,
            connections: Arc::default(),
            streams: Arc::default(),
            refuse,
        })
    }

    /// Accepts connections until the process ends. A listener that dies is
    /// reported and replaced by a new one on the same address; the report
    /// is made once per outage, however often the new one fails too.
    fn keep_listening<L: Listen>(&self, mut listener: L, mut rebind: impl FnMut(SocketAddr) -> L) {
        let mut down = false;
        loop {
            let failure = catch_unwind(AssertUnwindSafe(|| {
                self.accept_until_dead(&listener, &mut down)
            }))
            .unwrap_or_else(|_| io::Error::other("the accept loop panicked"));
            if !down {
                say(&format!(
                    "planc: the preview server stopped accepting connections ({failure}); restarting it"
                ));
                down = true;
            }
            drop(listener);
            listener = rebind(self.addr);
        }
    }

    /// Accepts and dispatches connections; returns the error that has kept
    /// the listener from accepting for `DEAD_AFTER`. The first connection
    /// after an outage (`down`) is reported.
    fn accept_until_dead(&self, listener: &impl Listen, down: &mut bool) -> io::Error {
        let mut failing_since = None;
        loop {
            match listener.accept_one() {
                Ok(stream) => {
                    failing_since = None;
                    if std::mem::take(down) {
                        say(&format!(
                            "planc: serving the report again at http://{}/",
                            self.addr
                        ));
                    }
                    self.dispatch(stream);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let since = *failing_since.get_or_insert_with(Instant::now);
                    if since.elapsed() >= DEAD_AFTER {
                        return e;
                    }
                    std::thread::sleep(RETRY);
                }
            }
        }
    }

    /// Serves a connection on a thread of its own, or refuses it when
    /// `MAX_CONNECTIONS` are open.
    fn dispatch(&self, stream: TcpStream) {
        let Some(slot) = Slot::take(&self.connections, MAX_CONNECTIONS) else {
            // A full queue means a flood: those get no answer at all.
            drop(self.refuse.try_send(stream));
            return;
        };
        let server = self.clone();
        // Should the thread not start, its closure and the connection are
        // dropped, which closes the connection; the listener goes on.
        let started = std::thread::Builder::new()
            .name("planc-http".into())
            .spawn(move || {
                server.answer(stream);
                drop(slot);
            });
        drop(started);
    }

    /// Reads one request and answers it; every connection closes after
    /// one answer.
    fn answer(&self, mut stream: TcpStream) {
        drop(stream.set_write_timeout(Some(WRITE_TIMEOUT)));
        let request = match read_head(&mut stream) {
            Ok(request) => request,
            Err(HeadError::Closed) => return,
            Err(HeadError::TooLarge) => {
                return refuse(&mut stream, &Answer::text(431, "request head too large"))
            }
            Err(HeadError::Malformed) => {
                return refuse(&mut stream, &Answer::text(400, "bad request"))
            }
        };
        let head_only = request.method == "HEAD";
        let answer = match self.route(&request) {
            Route::Answer(answer) => answer,
            Route::Events(seen) => return self.open_stream(stream, seen),
        };
        // A tab closed mid-answer is the browser's business, not an error.
        drop(write_answer(&mut stream, &answer, head_only));
        drop(stream.shutdown(Shutdown::Write));
    }

    fn route(&self, request: &Request) -> Route {
        match request.host.as_deref() {
            None => return Route::Answer(Answer::text(400, "one Host header is required")),
            Some(host) if !host_allowed(host, self.addr.ip()) => {
                return Route::Answer(Answer::text(403, "unknown host"))
            }
            Some(_) => {}
        }
        if !matches!(request.method.as_str(), "GET" | "HEAD") {
            return Route::Answer(Answer::text(405, "method not allowed"));
        }
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((&request.target, ""));
        match path {
            "/" | "/index.html" => Route::Answer(Answer::html(page(&self.shared.lock()))),
            EVENTS_PATH => Route::Events(query_version(query)),
            _ => Route::Answer(Answer::text(404, "not found")),
        }
    }

    /// Holds an event stream open unless `MAX_STREAMS` already are.
    fn open_stream(&self, mut stream: TcpStream, seen: Option<u64>) {
        match Slot::take(&self.streams, MAX_STREAMS) {
            Some(slot) => {
                stream_events(stream, &self.shared, seen);
                drop(slot);
            }
            None => refuse(&mut stream, &Answer::busy()),
        }
    }
}

/// Where connections come from: a TCP listener, or a test's stand-in.
trait Listen {
    fn accept_one(&self) -> io::Result<TcpStream>;
}

impl Listen for TcpListener {
    fn accept_one(&self) -> io::Result<TcpStream> {
        self.accept().map(|(stream, _)| stream)
    }
}

/// Binds `addr` again, waiting while it is taken.
fn bind_until_bound(addr: SocketAddr) -> TcpListener {
    loop {
        if let Ok(listener) = TcpListener::bind(addr) {
            return listener;
        }
        std::thread::sleep(REBIND);
    }
}

/// One of at most `cap` places; dropping it frees the place.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(count: &Arc<AtomicUsize>, cap: usize) -> Option<Slot> {
        count
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < cap).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(Arc::clone(count)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers refused connections with a 503. They then wait for their
/// clients to close side by side, polled, so that one slow client does not
/// hold up the answers to the others.
fn refuse_all(refused: &Receiver<TcpStream>) {
    let mut lingering: VecDeque<(TcpStream, Instant)> = VecDeque::new();
    loop {
        let next = if lingering.is_empty() {
            refused.recv().map_err(|_| RecvTimeoutError::Disconnected)
        } else {
            refused.recv_timeout(LINGER_POLL)
        };
        match next {
            Ok(stream) => {
                if let Some(stream) = answer_busy(stream) {
                    if lingering.len() >= REFUSE_QUEUE {
                        lingering.pop_front();
                    }
                    lingering.push_back((stream, Instant::now() + LINGER));
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let now = Instant::now();
        lingering.retain_mut(|(stream, end)| now < *end && !drained_to_end(stream));
    }
}

/// Sends the 503 and leaves the connection open for reading, without
/// blocking; `None` when the client is gone already.
fn answer_busy(mut stream: TcpStream) -> Option<TcpStream> {
    stream.set_write_timeout(Some(LINGER)).ok()?;
    write_answer(&mut stream, &Answer::busy(), false).ok()?;
    stream.shutdown(Shutdown::Write).ok()?;
    stream.set_nonblocking(true).ok()?;
    Some(stream)
}

/// Reads and drops what a refused client has sent so far; `true` once it
/// has closed its end (or failed). A client that never stops sending is
/// read a little at each poll until its `LINGER` is over.
fn drained_to_end(stream: &mut TcpStream) -> bool {
    let mut sink = [0u8; 8192];
    for _ in 0..16 {
        match stream.read(&mut sink) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
    false
}

/// Sends `answer` without waiting for (more of) the request, then reads
/// and drops what the client still sends until it closes or `LINGER`
/// passes, so the answer is not lost to a reset.
fn refuse(stream: &mut TcpStream, answer: &Answer) {
    if write_answer(stream, answer, false).is_err() {
        return;
    }
    drop(stream.shutdown(Shutdown::Write));
    let end = Instant::now() + LINGER;
    let mut sink = [0u8; 8192];
    loop {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// The parts of a request the server looks at.
#[derive(Debug)]
struct Request {
    method: String,
    target: String,
    /// The `Host` header; `None` when it is missing or given twice.
    host: Option<String>,
}

#[derive(Debug, PartialEq)]
enum HeadError {
    /// The client left (or sent nothing in time) before its head ended.
    Closed,
    /// Longer than `MAX_HEAD` or more than `MAX_HEADERS` lines.
    TooLarge,
    Malformed,
}

enum Route {
    Answer(Answer),
    Events(Option<u64>),
}

/// Reads a request head of at most `MAX_HEAD` bytes within `HEAD_TIMEOUT`.
fn read_head(stream: &mut impl ReadWithTimeout) -> Result<Request, HeadError> {
    let end = Instant::now() + HEAD_TIMEOUT;
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_timeout(left).is_err() {
            return Err(HeadError::Closed);
        }
        // Never read past the cap, whatever the client sends.
        let room = (MAX_HEAD + 1 - head.len()).min(chunk.len());
        let n = match stream.read(&mut chunk[..room]) {
            Ok(0) => return Err(HeadError::Closed),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(HeadError::Closed),
        };
        head.extend_from_slice(&chunk[..n]);
        if let Some(request) = parse_head(&head)? {
            return Ok(request);
        }
        if head.len() > MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

/// A stream whose reads can be given a deadline.
trait ReadWithTimeout: Read {
    fn set_timeout(&mut self, timeout: Duration) -> io::Result<()>;
}

impl ReadWithTimeout for TcpStream {
    fn set_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.set_read_timeout(Some(timeout))
    }
}

/// The request in `head`, or `None` while it is incomplete.
fn parse_head(head: &[u8]) -> Result<Option<Request>, HeadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
        Err(_) => return Err(HeadError::Malformed),
    }
    let mut hosts = parsed
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"));
    let host = match (hosts.next(), hosts.next()) {
        (Some(host), None) => std::str::from_utf8(host.value)
            .ok()
            .map(|v| v.trim().to_string()),
        _ => None,
    };
    Ok(Some(Request {
        method: parsed.method.unwrap_or_default().to_string(),
        target: parsed.path.unwrap_or_default().to_string(),
        host,
    }))
}

/// Whether a `Host` header names this server. A DNS-rebinding page sends
/// its own domain name here, so only `localhost` and IP addresses of this
/// server pass: 127.0.0.1, [::1], the bound address, and any address when
/// bound to all of them (`0.0.0.0`, `[::]`). The port is not compared.
fn host_allowed(host: &str, bound: IpAddr) -> bool {
    match host_without_port(host) {
        Some(HostName::Localhost) => true,
        Some(HostName::Ip(ip)) => {
            ip == IpAddr::V4(Ipv4Addr::LOCALHOST)
                || ip == IpAddr::V6(Ipv6Addr::LOCALHOST)
                || ip == bound
                || bound.is_unspecified()
        }
        None => false,
    }
}

#[derive(Debug, PartialEq)]
enum HostName {
    Localhost,
    Ip(IpAddr),
}

/// Reads `name[:port]` or `[v6][:port]`; `None` for any other name.
fn host_without_port(host: &str) -> Option<HostName> {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            let port = match after {
                "" => None,
                _ => Some(after.strip_prefix(':')?),
            };
            let ip = inside.parse::<Ipv6Addr>().ok()?;
            (HostName::Ip(IpAddr::V6(ip)), port)
        }
        None => {
            let (name, port) = match host.split_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (host, None),
            };
            let name = if name.eq_ignore_ascii_case("localhost") {
                HostName::Localhost
            } else {
                HostName::Ip(IpAddr::V4(name.parse::<Ipv4Addr>().ok()?))
            };
            (name, port)
        }
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    port_ok.then_some(name)
}

/// A whole answer, sent with `Connection: close`.
struct Answer {
    status: u16,
    content_type: &'static str,
    body: String,
}

impl Answer {
    fn text(status: u16, body: &str) -> Answer {
        Answer {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{body}\n"),
        }
    }

    fn html(body: String) -> Answer {
        Answer {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body,
        }
    }

    fn busy() -> Answer {
        Answer::text(503, "too many connections; try again")
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn write_answer(out: &mut impl Write, answer: &Answer, head_only: bool) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n",
        answer.status,
        reason(answer.status),
        answer.content_type,
        answer.body.len()
    );
    match answer.status {
        405 => head.push_str("Allow: GET, HEAD\r\n"),
        503 => head.push_str("Retry-After: 1\r\n"),
        _ => {}
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())?;
    if !head_only {
        out.write_all(answer.body.as_bytes())?;
    }
    out.flush()
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
/// reloads at once. A closed tab is noticed within `CLOSED_CHECK`, so its
/// place under `MAX_STREAMS` is soon free again.
fn stream_events(mut out: TcpStream, shared: &Shared, seen: Option<u64>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    if write_flush(&mut out, head).is_err() {
        return;
    }
    let mut seen = seen.unwrap_or_else(|| shared.lock().version);
    let mut last_write = Instant::now();
    loop {
        let state = shared.lock();
        let (state, _) = shared
            .changed
            .wait_timeout_while(state, CLOSED_CHECK, |s| s.version == seen)
            .unwrap_or_else(PoisonError::into_inner);
        let version = state.version;
        drop(state);
        let message = if version != seen {
            seen = version;
            format!("event: reload\ndata: {version}\n\n")
        } else if closed_by_client(&out) {
            return;
        } else if last_write.elapsed() >= KEEP_ALIVE {
            ": still here\n\n".to_string()
        } else {
            continue;
        };
        if write_flush(&mut out, &message).is_err() {
            return;
        }
        last_write = Instant::now();
    }
}

/// Whether the client has closed its end: a tab sends nothing after its
/// request, so the only thing to read is the end of the stream.
fn closed_by_client(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let peeked = stream.peek(&mut [0u8; 1]);
    let restored = stream.set_nonblocking(false);
    match peeked {
        Ok(0) => true,
        Ok(_) => restored.is_err(),
        Err(e) => e.kind() != io::ErrorKind::WouldBlock || restored.is_err(),
    }
}

fn write_flush(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Prints a line about the server; a closed stderr is no reason to stop.
fn say(line: &str) {
    drop(writeln!(io::stderr().lock(), "{line}"));
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
    fn only_hosts_naming_this_server_are_answered() {
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for host in [
            "localhost",
            "LocalHost:8080",
            "127.0.0.1",
            "127.0.0.1:1",
            "[::1]",
            "[::1]:8080",
        ] {
            assert!(host_allowed(host, loopback), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "127.0.0.2",
            "10.0.0.1:80",
            "[localhost]",
            "::1",
            "localhost:",
            "localhost:80x",
            "[::1]x",
            "",
        ] {
            assert!(!host_allowed(host, loopback), "{host}");
        }
        let lan = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 5));
        assert!(host_allowed("192.168.1.5:8080", lan));
        assert!(!host_allowed("192.168.1.6:8080", lan));
        let everywhere = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        assert!(host_allowed("192.168.1.6:8080", everywhere));
        assert!(!host_allowed("rebound.example:8080", everywhere));
    }

    #[test]
    fn a_head_is_read_whole_or_refused() {
        let head = b"GET /x?v=1 HTTP/1.1\r\nhost: localhost:1\r\n\r\n";
        let request = parse_head(head).unwrap().unwrap();
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/x?v=1");
        assert_eq!(request.host.as_deref(), Some("localhost:1"));
        assert!(parse_head(&head[..20]).unwrap().is_none());
        let twice = b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n";
        assert_eq!(parse_head(twice).unwrap().unwrap().host, None);
        let none = b"GET / HTTP/1.0\r\n\r\n";
        assert_eq!(parse_head(none).unwrap().unwrap().host, None);
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "X: y\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(
            parse_head(many.as_bytes()).unwrap_err(),
            HeadError::TooLarge
        );
        assert_eq!(
            parse_head(b"GET / HTTP/1.1\r\nno colon\r\n\r\n").unwrap_err(),
            HeadError::Malformed
        );
    }

    /// A client that sends a header line without end.
    struct EndlessHeader {
        sent: usize,
    }

    impl Read for EndlessHeader {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let start = b"GET / HTTP/1.1\r\nX-Big: ";
            for (i, byte) in buf.iter_mut().enumerate() {
                *byte = start.get(self.sent + i).copied().unwrap_or(b'a');
            }
            self.sent += buf.len();
            Ok(buf.len())
        }
    }

    impl ReadWithTimeout for EndlessHeader {
        fn set_timeout(&mut self, _: Duration) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_head_longer_than_the_cap_is_refused_after_reading_the_cap() {
        let mut client = EndlessHeader { sent: 0 };
        assert_eq!(read_head(&mut client).unwrap_err(), HeadError::TooLarge);
        assert_eq!(client.sent, MAX_HEAD + 1);
    }

    struct BrokenListener;

    impl Listen for BrokenListener {
        fn accept_one(&self) -> io::Result<TcpStream> {
            Err(io::Error::other("no file descriptors left"))
        }
    }

    #[test]
    fn a_listener_that_keeps_failing_is_declared_dead() {
        let addr = SocketAddr::from(([127, 0, 0, 1], 0));
        let server = Server::start(Arc::default(), addr).unwrap();
        let started = Instant::now();
        let failure = server.accept_until_dead(&BrokenListener, &mut false);
        assert!(failure.to_string().contains("no file descriptors"));
        assert!(started.elapsed() >= DEAD_AFTER);
    }

    #[test]
    fn slots_are_given_back() {
        let count = Arc::new(AtomicUsize::new(0));
        let first = Slot::take(&count, 2).unwrap();
        let second = Slot::take(&count, 2).unwrap();
        assert!(Slot::take(&count, 2).is_none());
        drop(first);
        assert!(Slot::take(&count, 2).is_some());
        drop(second);
        assert_eq!(count.load(Ordering::Acquire), 0);
    }

    #[test]
    fn the_version_is_read_from_the_query() {
        assert_eq!(query_version("v=12"), Some(12));
        assert_eq!(query_version("x=1&v=4"), Some(4));
        assert_eq!(query_version("v=oops"), None);
        assert_eq!(query_version(""), None);
    }
}
