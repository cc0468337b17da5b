//! Shared by the fault-injection (`faults.rs`) and random-failure (`chaos.rs`) tests: fixtures,
//! a fast retry policy, the three facade clients, and a raw loopback HTTP/1.1 server for faults
//! `wiremock` cannot produce (a connection dropped mid-response).

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use onboarding::{
    ClientBuilder, FixedToken, OnboardingClient, OnboardingError, PartnerCredential, RetryPolicy,
    UserContext,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const TOKEN: &str = "secret-token-1234";
/// [`TOKEN`] as a fixed token source.
pub fn token() -> FixedToken {
    FixedToken::new(TOKEN).expect("a valid token")
}

pub const IDENTIFIER: &str = "7d9f2c4e8b1a4f6e9c3b5a7d1e2f4a6b8c0d";

pub mod fixtures;

pub use fixtures::{update, user};

/// Three attempts, millisecond backoffs, `Retry-After` capped at 50 ms.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
        .with_max_retry_after(Duration::from_millis(50))
        .with_max_total(Duration::from_secs(10))
}

/// The three providers, each with the one operation it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Bitpanda,
    Wealthyhood,
    BtcDirect,
}

pub const ALL: [Target; 3] = [Target::Bitpanda, Target::Wealthyhood, Target::BtcDirect];

impl Target {
    pub fn client(
        self,
        base_url: &str,
        policy: RetryPolicy,
        timeout: Duration,
    ) -> OnboardingClient {
        let builder = ClientBuilder::new(base_url)
            .retry_policy(policy)
            .timeout(timeout);
        match self {
            Target::Bitpanda => builder.bitpanda(token()).map(OnboardingClient::from),
            Target::Wealthyhood => builder.wealthyhood(token()).map(OnboardingClient::from),
            Target::BtcDirect => builder
                .btcdirect(PartnerCredential::api_key(TOKEN).unwrap())
                .map(OnboardingClient::from),
        }
        .expect("client")
    }

    /// Runs the provider's operation with the fixture; on success returns the attempts and the id
    /// (`None` for BTC Direct's update, which returns none).
    pub async fn call(
        self,
        client: &OnboardingClient,
    ) -> Result<(u32, Option<String>), OnboardingError> {
        match self {
            Target::Bitpanda | Target::Wealthyhood => client
                .create_user(&user())
                .await
                .map(|created| (created.attempts(), created.id().map(str::to_owned))),
            Target::BtcDirect => client
                .update_user(&update(), &UserContext::identifier(IDENTIFIER).unwrap())
                .await
                .map(|updated| (updated.attempts, None)),
        }
    }

    /// A documented success: status and JSON body.
    pub fn success(self) -> (u16, serde_json::Value) {
        match self {
            Target::Bitpanda => (201, serde_json::json!({"data": {"id": "bp-1"}})),
            Target::Wealthyhood => (201, wealthyhood_created()),
            Target::BtcDirect => (202, serde_json::json!({"email": "a@b.eu"})),
        }
    }
}

pub fn wealthyhood_created() -> serde_json::Value {
    serde_json::json!({
        "id": "64f0c51e7fb3fc001234a001", "email": "user@example.com", "portfolios": [],
        "createdAt": "2024-10-03T10:30:00Z", "updatedAt": "2024-10-03T10:30:00Z"
    })
}

/// A Bitpanda stand-in answering every `POST` with a 307 to a second server, which answers 201
/// with the id `stolen` to anything: `(server, elsewhere)`.
pub async fn redirecting_server() -> (wiremock::MockServer, wiremock::MockServer) {
    use wiremock::matchers::{any, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let elsewhere = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"data": {"id": "stolen"}})),
        )
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    let location = format!("{}/v2/users", elsewhere.uri());
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", location.as_str()))
        .mount(&server)
        .await;
    (server, elsewhere)
}

/// One parsed request: method, path and body.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body). `None` if the peer closed first.
pub async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut request_line = head.lines().next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let length = head
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest {
        method,
        path,
        body: buffer[head_end..head_end + length].to_vec(),
    })
}

/// A complete HTTP/1.1 response that closes the connection.
pub fn response(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} X\r\nconnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A raw loopback server that, for every connection, reads the request, writes `reply` and then
/// resets the connection (`SO_LINGER` 0). It counts the requests it read.
pub struct RawServer {
    pub address: SocketAddr,
    pub requests: Arc<AtomicUsize>,
}

impl RawServer {
    pub async fn start(reply: Vec<u8>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let seen = requests.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let seen = seen.clone();
                let reply = reply.clone();
                tokio::spawn(async move {
                    if read_request(&mut stream).await.is_none() {
                        return;
                    }
                    seen.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.write_all(&reply).await;
                    let _ = stream.flush().await;
                    let _ = stream.set_zero_linger();
                    drop(stream);
                });
            }
        });
        Self { address, requests }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn seen(&self) -> u32 {
        self.requests.load(Ordering::SeqCst) as u32
    }
}

/// What a [`ScriptedServer`] does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer at once with these bytes (a whole HTTP/1.1 response, see [`response`]).
    Now(Vec<u8>),
    /// Answer after this much Tokio time.
    After(Duration, Vec<u8>),
    /// Never answer: keep the connection open until the client gives up and closes it.
    Never,
}

/// A loopback HTTP/1.1 server running on the test's own Tokio runtime, so a paused test clock
/// governs both sides: the client's timeouts and the server's delays. Every request is answered
/// as `script(request, n)` says, `n` counting requests from 1; every connection is closed after
/// one request.
///
/// Running on the same runtime is what makes the paused clock safe with real sockets: Tokio
/// advances a paused clock only when every task is idle, and with both ends on one runtime a
/// request or answer in flight always has a task ready to read it (loopback delivers a write to
/// the peer's socket before `write` returns). A server on another thread (`wiremock`) would let
/// the clock jump to the client's timeout while the server is still answering.
pub struct ScriptedServer {
    pub address: SocketAddr,
    /// Every request read, with the (Tokio) time it was read.
    pub requests: Arc<std::sync::Mutex<Vec<(tokio::time::Instant, RawRequest)>>>,
}

impl ScriptedServer {
    pub async fn start<S>(script: S) -> Self
    where
        S: Fn(&RawRequest, usize) -> Reply + Send + Sync + 'static,
    {
        // A deep accept queue: a connection the queue has no room for waits for the kernel's
        // SYN retransmission, in real time, while the paused clock jumps ahead.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(4096).unwrap();
        let address = listener.local_addr().unwrap();
        let requests = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = requests.clone();
        let script = Arc::new(script);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let seen = seen.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else {
                        return;
                    };
                    let reply = {
                        let mut seen = seen.lock().unwrap();
                        seen.push((tokio::time::Instant::now(), request.clone()));
                        script(&request, seen.len())
                    };
                    let bytes = match reply {
                        Reply::Now(bytes) => bytes,
                        Reply::After(delay, bytes) => {
                            tokio::time::sleep(delay).await;
                            bytes
                        }
                        Reply::Never => {
                            // Wait for the client to close; read nothing more of it.
                            let mut sink = [0u8; 1024];
                            while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
                            return;
                        }
                    };
                    let _ = stream.write_all(&bytes).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self { address, requests }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn seen(&self) -> u32 {
        self.requests.lock().unwrap().len() as u32
    }

    /// The (Tokio) time between one request and the next, for each retry.
    pub fn gaps(&self) -> Vec<Duration> {
        let requests = self.requests.lock().unwrap();
        requests
            .windows(2)
            .map(|pair| pair[1].0.duration_since(pair[0].0))
            .collect()
    }
}

/// A JSON response with `status`, `headers` and `body`.
pub fn json_response(status: u16, headers: &[(&str, &str)], body: &serde_json::Value) -> Vec<u8> {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    response(status, &all, body.to_string().as_bytes())
}
