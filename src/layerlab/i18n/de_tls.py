"""German for https on a LAN (server/tls.py and the studio's --https/--cert/--key)."""
from . import add

add("de", {
    "no such file: {path}": "keine solche Datei: {path}",
    "give the PEM files of the school's certificate and its private key":
        "gib die PEM-Dateien des Zertifikats der Schule und seines privaten Schlüssels an",
    "cannot read the certificate or its key: {error}": "das Zertifikat oder sein Schlüssel ist nicht lesbar: {error}",
    "use PEM files without a password on the key": "nimm PEM-Dateien ohne Passwort auf dem Schlüssel",
    "the key does not belong to the certificate": "der Schlüssel gehört nicht zu dem Zertifikat",
    "give the private key that was made together with this certificate":
        "gib den privaten Schlüssel an, der zusammen mit diesem Zertifikat erstellt wurde",
    "--cert and --key go together": "--cert und --key gehören zusammen",
    "give both the certificate and its private key, or neither (then --https makes one)":
        "gib das Zertifikat und seinen privaten Schlüssel an, oder keines von beiden (dann erstellt --https eines)",
})
