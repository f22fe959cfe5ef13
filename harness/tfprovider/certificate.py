"""The TLS certificate go-plugin's handshake carries, cached across provider starts.

Generating one needs ``cryptography`` (~60 ms to import) and a key; Terraform starts the
provider 3-5 times per command, so the certificate is made once, stored (atomically: parallel
Terraform runs share it) and reused until a day before it expires.
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from typing import Any

CACHE = Path.home() / ".cache" / "iac-harness" / "tfprovider-cert.json"
VALID_S = 30 * 86400
MARGIN_S = 86400


def load_or_create() -> tuple[bytes, bytes, bytes]:
    """(DER certificate for the handshake, PEM key, PEM certificate)."""
    try:
        cached = json.loads(CACHE.read_text())
        if cached["not_after"] - MARGIN_S > time.time():
            return (
                base64.b64decode(cached["der"]),
                cached["key_pem"].encode(),
                cached["cert_pem"].encode(),
            )
    except (OSError, ValueError, KeyError):
        pass
    der, key_pem, cert_pem = _generate()
    record = {
        "der": base64.b64encode(der).decode(),
        "key_pem": key_pem.decode(),
        "cert_pem": cert_pem.decode(),
        "not_after": time.time() + VALID_S,
    }
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    tmp = CACHE.with_name(f".{CACHE.name}.{os.getpid()}")
    tmp.write_text(json.dumps(record))
    tmp.chmod(0o600)
    tmp.replace(CACHE)
    return der, key_pem, cert_pem


def _generate() -> tuple[bytes, bytes, bytes]:
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.now(UTC)
    # go-plugin trusts exactly this certificate as the root of the connection: a CA for itself
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(seconds=VALID_S))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        cert.public_bytes(serialization.Encoding.DER),
        key_pem,
        cert.public_bytes(serialization.Encoding.PEM),
    )


def server_credentials(grpc: Any) -> tuple[bytes, Any]:
    """(DER certificate, gRPC server credentials)."""
    der, key_pem, cert_pem = load_or_create()
    creds = grpc.ssl_server_credentials(private_key_certificate_chain_pairs=[(key_pem, cert_pem)])
    return der, creds
