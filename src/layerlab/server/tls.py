"""HTTPS on a LAN: a small local certificate authority and a server certificate it signs.

Browsers allow the camera (getUserMedia) only in a secure context, so a pupil's phone needs
https to use its webcam on a school server. A bare self-signed certificate is refused outright
by many managed tablets and Chromebooks; an installed authority is accepted. So `--https`
creates, once, a certificate authority (kept in the studio's state folder, its key readable by
this user only) and, on every start, checks that the server certificate it signed still names
this machine's names and addresses and is not about to expire, replacing it when not.

The authority's certificate is offered for download at /layerlab-ca.crt (public: it holds no
secret); its SHA-256 fingerprint is printed so a teacher can compare it with what a phone shows.
`--cert/--key` use a school's own certificate instead (checked to belong together).
"""
from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from ..i18n import msg
from ..api_errors import SpecError

CA_DAYS = 3650
SERVER_DAYS = 397       # Apple's and Chrome's limit for a server certificate is 398 days
RENEW_DAYS = 30         # replace a server certificate this close to its end
CA_PATH = "/layerlab-ca.crt"


@dataclass(frozen=True)
class TLSFiles:
    cert: Path               # the server certificate (PEM), chain with the authority when generated here
    key: Path                # its private key (PEM)
    ca: Path | None          # the authority's certificate (None for --cert/--key)
    fingerprint: str         # SHA-256 of the authority (or of the given certificate), AA:BB:...
    names: tuple[str, ...]   # what the server certificate names (DNS names and IP addresses)
    server_fingerprint: str = ""   # SHA-256 of the certificate served (what a browser's certificate viewer shows)


def local_names(extra: tuple[str, ...] = ()) -> tuple[list[str], list[str]]:
    """(DNS names, IP addresses) this machine answers to: localhost, its host names, its addresses."""
    dns = {"localhost"}
    ips = {"127.0.0.1", "::1"}
    for name in (socket.gethostname(), socket.getfqdn()):
        if name:
            dns.add(name.lower())
            if "." not in name:
                dns.add(f"{name.lower()}.local")  # what phones resolve by mDNS
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            ips.add(info[4][0])
    except OSError:
        pass
    try:  # the address of the interface that leads out (no packet is sent for a UDP connect)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))
            ips.add(s.getsockname()[0])
    except OSError:
        pass
    for item in extra:
        item = item.strip().strip("[]").lower()
        if not item or item in ("0.0.0.0", "::"):
            continue
        (ips if _is_ip(item) else dns).add(item)
    return sorted(dns), sorted(ips, key=lambda a: (":" in a, a))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
        return True
    except ValueError:
        return False


def fingerprint(cert_pem: bytes) -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    cert = x509.load_pem_x509_certificate(cert_pem)
    return ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, 0o600)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import ec
    return ec.generate_private_key(ec.SECP256R1())


def _key_pem(key) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _ensure_ca(folder: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID
    cert_path, key_path = folder / "ca.crt", folder / "ca.key"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        if cert.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_DAYS):
            return cert, key
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"LayerLab local authority ({socket.gethostname()})"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "LayerLab")])
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    _write_private(key_path, _key_pem(key))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "server.crt").unlink(missing_ok=True)  # signed by the old authority
    return cert, key


def ensure(folder: Path, extra_names: tuple[str, ...] = ()) -> TLSFiles:
    """The authority and a current server certificate for this machine under folder (made when missing)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    ca_cert, ca_key = _ensure_ca(folder)
    dns, ips = local_names(extra_names)
    wanted = sorted(dns) + sorted(ips)
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificates(cert_path.read_bytes())[0]
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        have = sorted(san.get_values_for_type(x509.DNSName)) + sorted(str(a) for a in san.get_values_for_type(x509.IPAddress))
        fresh = cert.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_DAYS)
        if fresh and set(wanted) <= set(have):
            return TLSFiles(cert_path, key_path, folder / "ca.crt",
                            fingerprint((folder / "ca.crt").read_bytes()), tuple(have), fingerprint(cert_path.read_bytes()))
    key = _new_key()
    now = _now()
    alt = [x509.DNSName(n) for n in dns] + [x509.IPAddress(ipaddress.ip_address(a)) for a in ips]
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns[0] if dns else "localhost")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, key_cert_sign=False,
                                         crl_sign=False, content_commitment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    _write_private(key_path, _key_pem(key))
    pem = serialization.Encoding.PEM
    cert_path.write_bytes(cert.public_bytes(pem) + ca_cert.public_bytes(pem))  # the chain a phone needs
    return TLSFiles(cert_path, key_path, folder / "ca.crt", fingerprint(ca_cert.public_bytes(pem)), tuple(wanted),
                    fingerprint(cert.public_bytes(pem)))


def given(cert: Path, key: Path) -> TLSFiles:
    """A school's own certificate and key, checked to exist, parse and belong together."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    for path, what in ((cert, "--cert"), (key, "--key")):
        if not Path(path).is_file():
            raise SpecError(what, msg("no such file: {path}", path=str(path)), str(path),
                            msg("give the PEM files of the school's certificate and its private key"))
    try:
        certs = x509.load_pem_x509_certificates(Path(cert).read_bytes())
        private = serialization.load_pem_private_key(Path(key).read_bytes(), None)
    except (ValueError, TypeError) as e:
        raise SpecError("--cert", msg("cannot read the certificate or its key: {error}", error=str(e)[:200]),
                        str(cert), msg("use PEM files without a password on the key")) from None
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    if certs[0].public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo) != \
            private.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo):
        raise SpecError("--key", msg("the key does not belong to the certificate"), str(key),
                        msg("give the private key that was made together with this certificate"))
    try:
        san = certs[0].extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = tuple(san.get_values_for_type(x509.DNSName)) + tuple(str(a) for a in san.get_values_for_type(
            x509.IPAddress))
    except x509.ExtensionNotFound:
        names = ()
    from cryptography.hazmat.primitives import serialization as s
    leaf = fingerprint(certs[0].public_bytes(s.Encoding.PEM))
    return TLSFiles(Path(cert), Path(key), None, leaf, names, leaf)
