//! The loopback HTTP/1.1 server behind each fake (hyper), with the connection-level faults:
//! holding a request unanswered and resetting a connection.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as IncomingBody;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};

use crate::handling::{Incoming, Prepared, Reply, State};
use crate::provider::Provider;

/// The largest request body a fake reads (bigger ones are refused with 413).
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// What a connection's service tells the task that drives it.
#[derive(Default)]
struct ConnectionControl {
    reset: AtomicBool,
    stop: Notify,
}

/// A TCP stream that, when dropped after a reset was asked, closes with `SO_LINGER` 0 (an RST).
struct Stream {
    inner: TcpStream,
    control: Arc<ConnectionControl>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        if self.control.reset.load(Ordering::SeqCst) {
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Binds `127.0.0.1:0` and serves `state` until `shutdown` turns true.
pub(crate) async fn serve(
    provider: Provider,
    state: Arc<Mutex<State>>,
    shutdown: watch::Receiver<bool>,
) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let mut stop = shutdown.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    tokio::spawn(connection(provider, stream, state.clone(), shutdown.clone()));
                }
                _ = stop.changed() => return,
            }
        }
    });
    Ok(address)
}

/// Serves one keep-alive connection until the peer closes it, a fault ends it, or the kit
/// stops.
async fn connection(
    provider: Provider,
    stream: TcpStream,
    state: Arc<Mutex<State>>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let control = Arc::new(ConnectionControl::default());
    let io = TokioIo::new(Stream {
        inner: stream,
        control: control.clone(),
    });
    let service_control = control.clone();
    let service = service_fn(move |request| {
        respond(provider, request, state.clone(), service_control.clone())
    });
    let serving = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(serving);
    tokio::select! {
        _ = serving.as_mut() => {}
        _ = control.stop.notified() => {}
        _ = shutdown.changed() => {}
    }
}

async fn respond(
    provider: Provider,
    request: Request<IncomingBody>,
    state: Arc<Mutex<State>>,
    control: Arc<ConnectionControl>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(plain(413, "request body too large")),
    };
    let incoming = Incoming {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        headers: parts.headers,
        body,
    };
    let prepared = Prepared::new(provider, &incoming);
    let reply = state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .handle(&incoming, prepared);
    match reply {
        Reply::Answer {
            status,
            headers,
            content_type,
            body,
            delay,
        } => {
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            let mut response = Response::builder()
                .status(status)
                .header("content-type", content_type);
            for (name, value) in headers {
                response = response.header(name, value);
            }
            Ok(response
                .body(Full::new(body))
                .unwrap_or_else(|_| plain(500, "bad response")))
        }
        Reply::Hold => std::future::pending().await,
        Reply::Reset => {
            control.reset.store(true, Ordering::SeqCst);
            control.stop.notify_one();
            std::future::pending().await
        }
    }
}

fn plain(status: u16, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or_default();
    response
}
