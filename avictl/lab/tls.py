"""A throw-away certificate authority and server certificate for the lab's HTTPS stand-ins.

The controller stand-in speaks HTTPS like a real controller, so avictl's TLS verification
is exercised for real: clients trust the lab CA (`ca.pem`) rather than skipping checks.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from pathlib import Path

CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server.key"


def make_ca_and_cert(directory: str | os.PathLike[str], hosts: tuple[str, ...] = ("127.0.0.1", "localhost"),
                     days: int = 30) -> tuple[str, str, str]:
    """Write a CA and a server certificate signed by it for `hosts`; return (ca, cert, key) paths.

    Reuses files already in `directory` while they are valid, so a restarted lab keeps its CA.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    ca_path, cert_path, key_path = folder / CA_FILE, folder / CERT_FILE, folder / KEY_FILE
    if _still_valid(ca_path, cert_path, key_path):
        return str(ca_path), str(cert_path), str(key_path)

    now = dt.datetime.now(dt.timezone.utc)
    not_before, not_after = now - dt.timedelta(hours=1), now + dt.timedelta(days=days)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "avictl lab"),
                         x509.NameAttribute(NameOID.COMMON_NAME, "avictl lab CA")])
    ca_cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
               .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
               .sign(ca_key, hashes.SHA256()))

    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))

    pem = serialization.Encoding.PEM
    ca_path.write_bytes(ca_cert.public_bytes(pem))
    cert_path.write_bytes(cert.public_bytes(pem))
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return str(ca_path), str(cert_path), str(key_path)


def server_context(cert_path: str, key_path: str) -> ssl.SSLContext:
    """The TLS context a stand-in serves with."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_path, key_path)
    return ctx


def _still_valid(*paths: Path) -> bool:
    if not all(p.exists() for p in paths):
        return False
    try:
        from cryptography import x509

        for p in paths[:2]:
            cert = x509.load_pem_x509_certificate(p.read_bytes())
            if cert.not_valid_after_utc < dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1):
                return False
        server_context(str(paths[1]), str(paths[2]))
    except Exception:
        return False
    return True
