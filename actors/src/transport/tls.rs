//! TLS configuration (rustls, ring provider): our identity for listening, the trust store
//! for verifying servers. Verification is always on; there is no switch to turn it off.

use super::error::TransportError;
use super::net::BoxStream;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use std::fmt;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use thiserror::Error;
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// Where PEM text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PemSource {
    /// A PEM file on disk.
    File(PathBuf),
    /// PEM text in memory.
    Inline(Vec<u8>),
}

impl PemSource {
    /// PEM text in memory.
    pub fn inline(pem: impl Into<Vec<u8>>) -> PemSource {
        PemSource::Inline(pem.into())
    }

    fn load(&self, field: TlsField) -> Result<Vec<u8>, TlsConfigError> {
        match self {
            PemSource::Inline(pem) => Ok(pem.clone()),
            PemSource::File(path) => std::fs::read(path).map_err(|e| TlsConfigError::Read {
                field,
                path: path.clone(),
                source: Arc::new(e),
            }),
        }
    }
}

/// The certificates a client trusts to verify servers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TrustStore {
    /// The Mozilla root programme's CAs (webpki-roots).
    #[default]
    WebpkiRoots,
    /// Only these CA certificates (PEM, one or more certificates per source).
    Pem(Vec<PemSource>),
}

/// TLS settings of a transport.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsConfig {
    /// Our certificate chain (leaf first), needed to listen for TLS.
    pub cert_chain: Option<PemSource>,
    /// The private key of the leaf certificate (PKCS#1, PKCS#8 or SEC1).
    pub key: Option<PemSource>,
    /// Whom we trust when connecting out.
    pub trust: TrustStore,
}

/// The configuration field an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsField {
    /// [`TlsConfig::cert_chain`].
    CertChain,
    /// [`TlsConfig::key`].
    Key,
    /// [`TlsConfig::trust`].
    Trust,
}

impl fmt::Display for TlsField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TlsField::CertChain => "cert_chain",
            TlsField::Key => "key",
            TlsField::Trust => "trust",
        })
    }
}

/// A TLS configuration that cannot be used.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum TlsConfigError {
    /// A PEM file could not be read.
    #[error("{field}: cannot read {path:?}: {source}")]
    Read {
        /// The field naming the file.
        field: TlsField,
        /// The file.
        path: PathBuf,
        /// Why.
        source: Arc<io::Error>,
    },
    /// The PEM text is malformed.
    #[error("{field}: malformed PEM: {source}")]
    BadPem {
        /// The field.
        field: TlsField,
        /// The PEM parser's complaint.
        source: Arc<io::Error>,
    },
    /// No certificate in the PEM text.
    #[error("{0}: no certificate found")]
    NoCertificate(TlsField),
    /// No private key in the PEM text.
    #[error("key: no private key found")]
    NoKey,
    /// A certificate chain without a key, or a key without a chain.
    #[error("{0} is missing (cert_chain and key go together)")]
    Missing(TlsField),
    /// A certificate or key rustls refuses (not a CA certificate, key not matching…).
    #[error("{field}: {error}")]
    Rejected {
        /// The field.
        field: TlsField,
        /// rustls's reason.
        error: rustls::Error,
    },
}

/// A built TLS configuration: the client side always, the server side if an identity
/// (certificate chain and key) was configured.
#[derive(Clone)]
pub struct TlsContext {
    acceptor: Option<TlsAcceptor>,
    connector: TlsConnector,
}

impl fmt::Debug for TlsContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsContext")
            .field("can_listen", &self.can_listen())
            .finish_non_exhaustive()
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certs(
    source: &PemSource,
    field: TlsField,
) -> Result<Vec<CertificateDer<'static>>, TlsConfigError> {
    let pem = source.load(field)?;
    let certs = rustls_pemfile::certs(&mut pem.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsConfigError::BadPem {
            field,
            source: Arc::new(e),
        })?;
    if certs.is_empty() {
        return Err(TlsConfigError::NoCertificate(field));
    }
    Ok(certs)
}

fn key(source: &PemSource) -> Result<PrivateKeyDer<'static>, TlsConfigError> {
    let pem = source.load(TlsField::Key)?;
    rustls_pemfile::private_key(&mut pem.as_slice())
        .map_err(|e| TlsConfigError::BadPem {
            field: TlsField::Key,
            source: Arc::new(e),
        })?
        .ok_or(TlsConfigError::NoKey)
}

impl TlsConfig {
    /// Loads the files and builds the rustls configurations.
    pub fn build(&self) -> Result<TlsContext, TlsConfigError> {
        let rejected = |field| move |error| TlsConfigError::Rejected { field, error };
        let roots = match &self.trust {
            TrustStore::WebpkiRoots => RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            },
            TrustStore::Pem(sources) => {
                let mut roots = RootCertStore::empty();
                for source in sources {
                    for cert in certs(source, TlsField::Trust)? {
                        roots.add(cert).map_err(rejected(TlsField::Trust))?;
                    }
                }
                roots
            }
        };
        let client = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(rejected(TlsField::Trust))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let acceptor = match (&self.cert_chain, &self.key) {
            (None, None) => None,
            (Some(_), None) => return Err(TlsConfigError::Missing(TlsField::Key)),
            (None, Some(_)) => return Err(TlsConfigError::Missing(TlsField::CertChain)),
            (Some(chain), Some(key_source)) => {
                let chain = certs(chain, TlsField::CertChain)?;
                let key = key(key_source)?;
                let server = ServerConfig::builder_with_provider(provider())
                    .with_safe_default_protocol_versions()
                    .map_err(rejected(TlsField::CertChain))?
                    .with_no_client_auth()
                    .with_single_cert(chain, key)
                    .map_err(rejected(TlsField::Key))?;
                Some(TlsAcceptor::from(Arc::new(server)))
            }
        };
        Ok(TlsContext {
            acceptor,
            connector: TlsConnector::from(Arc::new(client)),
        })
    }
}

impl TlsContext {
    /// Whether an identity is configured, so the transport can accept TLS connections.
    pub fn can_listen(&self) -> bool {
        self.acceptor.is_some()
    }

    /// The server side of a handshake on an accepted stream.
    pub(crate) async fn accept(&self, stream: BoxStream) -> Result<BoxStream, TransportError> {
        let acceptor = self
            .acceptor
            .as_ref()
            .ok_or(TransportError::TlsNotConfigured)?;
        let tls = acceptor
            .accept(stream)
            .await
            .map_err(TransportError::from_handshake)?;
        Ok(Box::new(tls))
    }

    /// The client side of a handshake: verifies the server's certificate against
    /// `server_name`, or the peer's IP address if there is no name.
    pub(crate) async fn connect(
        &self,
        server_name: Option<&str>,
        ip: IpAddr,
        stream: BoxStream,
    ) -> Result<BoxStream, TransportError> {
        let name = match server_name {
            Some(name) => ServerName::try_from(name.to_owned())
                .map_err(|_| TransportError::InvalidServerName(name.to_owned()))?,
            None => ServerName::IpAddress(ip.into()),
        };
        let tls = self
            .connector
            .connect(name, stream)
            .await
            .map_err(TransportError::from_handshake)?;
        Ok(Box::new(tls))
    }
}
