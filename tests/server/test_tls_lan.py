"""HTTPS on a LAN (issue 17.6): a local authority, a server certificate for this machine, a school's own pair."""
from __future__ import annotations

import ipaddress
import os
import socket

import pytest

pytest.importorskip("cryptography")
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from layerlab.server import tls  # noqa: E402
from layerlab.spec.errors import SpecError  # noqa: E402


def _names(cert):
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return set(san.get_values_for_type(x509.DNSName)), {str(a) for a in san.get_values_for_type(x509.IPAddress)}


def test_the_authority_signs_a_certificate_for_this_machine_and_is_kept(tmp_path):
    files = tls.ensure(tmp_path / "tls", ("studio.school.example", "10.1.2.3"))
    chain = x509.load_pem_x509_certificates(files.cert.read_bytes())
    server, ca = chain[0], x509.load_pem_x509_certificate(files.ca.read_bytes())
    assert chain[1] == ca, "the chain a phone needs holds the authority"
    ca.public_key().verify(server.signature, server.tbs_certificate_bytes, ec.ECDSA(server.signature_hash_algorithm))
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    dns, ips = _names(server)
    assert {"localhost", "studio.school.example", socket.gethostname().lower()} <= dns
    assert {"127.0.0.1", "::1", "10.1.2.3"} <= ips
    assert (server.not_valid_after_utc - server.not_valid_before_utc).days <= 398
    assert oct(os.stat(files.key).st_mode & 0o777) == "0o600" and oct(os.stat(tmp_path / "tls" / "ca.key").st_mode
                                                                      & 0o777) == "0o600"
    assert len(files.fingerprint.split(":")) == 32
    assert files.fingerprint == tls.fingerprint(files.ca.read_bytes())
    assert files.server_fingerprint == tls.fingerprint(server.public_bytes(serialization.Encoding.PEM)) != files.fingerprint
    again = tls.ensure(tmp_path / "tls", ("studio.school.example",))
    assert again.fingerprint == files.fingerprint and again.cert.read_bytes() == files.cert.read_bytes()
    assert again.server_fingerprint == files.server_fingerprint
    renamed = tls.ensure(tmp_path / "tls", ("another.example",))
    assert renamed.fingerprint == files.fingerprint, "a new name needs a new server certificate, not a new authority"
    assert "another.example" in _names(x509.load_pem_x509_certificates(renamed.cert.read_bytes())[0])[0]


def test_a_schools_certificate_is_checked_to_belong_to_its_key(tmp_path):
    a = tls.ensure(tmp_path / "a")
    b = tls.ensure(tmp_path / "b")
    ok = tls.given(a.cert, a.key)
    assert ok.ca is None and "localhost" in ok.names
    assert ok.server_fingerprint == ok.fingerprint == a.server_fingerprint   # the school's certificate itself
    with pytest.raises(SpecError) as err:
        tls.given(a.cert, b.key)
    assert err.value.path == "--key" and "does not belong" in str(err.value.message)
    with pytest.raises(SpecError) as err:
        tls.given(tmp_path / "missing.pem", a.key)
    assert err.value.path == "--cert"
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    with pytest.raises(SpecError):
        tls.given(bad, a.key)


def test_local_names_include_the_outward_address_and_given_ones():
    dns, ips = tls.local_names(("0.0.0.0", "[fe80::1]", "pc-12"))
    assert "localhost" in dns and "pc-12" in dns and "0.0.0.0" not in ips and "fe80::1" in ips
    assert all(ipaddress.ip_address(a) for a in ips)
