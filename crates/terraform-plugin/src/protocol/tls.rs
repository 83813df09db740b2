//! go-plugin's AutoMTLS, server side. Terraform sends its own freshly made
//! client certificate in `PLUGIN_CLIENT_CERT`; we make a certificate per run,
//! announce it in the handshake line, and accept exactly that one client
//! certificate.
//!
//! Two traps shape this (protocol.md §1.4): Terraform's certificate is ECDSA
//! P-521, which only the aws-lc-rs provider verifies (with ring, Go silently
//! sends no certificate), and it is a CA certificate, which webpki refuses as
//! a client end entity. So the verifier below compares the DER byte for byte
//! instead of building a chain, and checks handshake signatures with aws-lc-rs.

use std::sync::Arc;

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName as TlsName, ServerConfig, SignatureScheme};

/// This process's TLS certificate and key.
pub(crate) struct ServerIdentity {
    pub(crate) certificate: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

/// A self-signed ECDSA P-256 certificate for `localhost`, shaped like
/// go-plugin's own (CA, server and client use), valid from 30 s ago.
pub(crate) fn generate_server_identity() -> anyhow::Result<ServerIdentity> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).context("generating the TLS key")?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).context("building the TLS certificate")?;
    let mut name = DistinguishedName::new();
    name.push(DnType::OrganizationName, "terraform-plugin");
    name.push(DnType::CommonName, "localhost");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    let now = time::OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::seconds(30);
    params.not_after = now + time::Duration::days(365);
    let certificate = params.self_signed(&key).context("signing the TLS certificate")?;
    Ok(ServerIdentity {
        certificate: certificate.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
    })
}

/// The rustls configuration: TLS 1.2/1.3 with aws-lc-rs, our certificate,
/// mandatory client authentication with exactly `client_certificate_pem`,
/// and ALPN `h2` (grpc-go ≥ 1.67, in Terraform ≥ 1.12, insists on it).
pub(crate) fn server_config(identity: &ServerIdentity, client_certificate_pem: &str) -> anyhow::Result<Arc<ServerConfig>> {
    let expected = CertificateDer::from_pem_slice(client_certificate_pem.as_bytes())
        .context("PLUGIN_CLIENT_CERT does not hold a PEM certificate")?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = ExactClientCertificate { expected, algorithms: provider.signature_verification_algorithms };
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("choosing TLS versions")?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(vec![identity.certificate.clone()], PrivateKeyDer::Pkcs8(identity.key.clone_key()))
        .context("loading the TLS certificate")?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts one client certificate, compared byte for byte.
#[derive(Debug)]
struct ExactClientCertificate {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for ExactClientCertificate {
    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[TlsName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::client::danger::{ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::ServerName;
    use rustls::ClientConfig;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A client certificate like Terraform's: ECDSA P-521, self-signed CA.
    fn terraform_like_client() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.self_signed(&key).unwrap();
        let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (cert.pem(), cert.der().clone(), key_der)
    }

    /// Trusts exactly the certificate from the handshake line, as go-plugin's client does.
    #[derive(Debug)]
    struct PinnedServer {
        expected: CertificateDer<'static>,
        algorithms: WebPkiSupportedAlgorithms,
    }

    impl ServerCertVerifier for PinnedServer {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            assert_eq!(end_entity.as_ref(), self.expected.as_ref());
            Ok(ServerCertVerified::assertion())
        }
        fn verify_tls12_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls12_signature(message, cert, dss, &self.algorithms)
        }
        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            verify_tls13_signature(message, cert, dss, &self.algorithms)
        }
        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.algorithms.supported_schemes()
        }
    }

    /// Runs one TLS handshake (and a byte of traffic) between our server
    /// config and a client presenting `client_identity`.
    async fn handshake(
        server: Arc<ServerConfig>,
        server_certificate: CertificateDer<'static>,
        client_identity: Option<(CertificateDer<'static>, PrivateKeyDer<'static>)>,
    ) -> Result<Option<Vec<u8>>, std::io::Error> {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let pinned = PinnedServer { expected: server_certificate, algorithms: provider.signature_verification_algorithms };
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(pinned));
        let mut client = match client_identity {
            Some((cert, key)) => builder.with_client_auth_cert(vec![cert], key).unwrap(),
            None => builder.with_no_client_auth(),
        };
        client.alpn_protocols = vec![b"h2".to_vec()];
        let (client_io, server_io) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(server);
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
        let server_side = tokio::spawn(async move {
            let mut stream = acceptor.accept(server_io).await?;
            let mut byte = [0u8; 1];
            stream.read_exact(&mut byte).await?;
            Ok::<_, std::io::Error>(())
        });
        let localhost = ServerName::try_from("localhost").unwrap();
        let client_result = async {
            let mut stream = connector.connect(localhost, client_io).await?;
            stream.write_all(b"x").await?;
            stream.flush().await?;
            Ok::<_, std::io::Error>(stream)
        }
        .await;
        // The client stream stays open until the server side is done with it.
        server_side.await.unwrap()?;
        let stream = client_result?;
        Ok(stream.get_ref().1.alpn_protocol().map(<[u8]>::to_vec))
    }

    #[tokio::test]
    async fn only_the_announced_client_certificate_gets_in() {
        let identity = generate_server_identity().unwrap();
        let (pem, cert, key) = terraform_like_client();
        let config = server_config(&identity, &pem).unwrap();

        let alpn = handshake(config.clone(), identity.certificate.clone(), Some((cert, key))).await.unwrap();
        assert_eq!(alpn.as_deref(), Some(&b"h2"[..]));

        let (_, other_cert, other_key) = terraform_like_client();
        assert!(handshake(config.clone(), identity.certificate.clone(), Some((other_cert, other_key))).await.is_err());
        assert!(handshake(config, identity.certificate.clone(), None).await.is_err());
    }

    #[test]
    fn a_malformed_client_certificate_is_refused() {
        let identity = generate_server_identity().unwrap();
        assert!(server_config(&identity, "not a certificate").is_err());
    }
}
