"""Test-issuer tools for trying the CDS Hooks service by hand (docs/integration.md).

    python -m kyphoplan.cdshooks.devtool keygen --issuer https://ehr.example.org --key ehr-key.pem
        writes a new EC P-256 private key and prints the KYPHOPLAN_CDS_HOOKS_ISSUERS JSON for it
    python -m kyphoplan.cdshooks.devtool token --issuer https://ehr.example.org --key ehr-key.pem \\
        --aud http://127.0.0.1:8000/cds-services/kyphoplasty-order-sign
        prints a signed JWT (ES256, five minutes, fresh jti) for one call

A real EHR signs its own tokens; this exists so an integrator can see the service work.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

KID = "test-issuer-1"


def keygen(issuer: str, key_path: Path) -> str:
    if key_path.exists():
        raise SystemExit(f"{key_path} exists; not overwriting a key")
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    key_path.write_bytes(pem)
    key_path.chmod(0o600)
    public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    return json.dumps({issuer: {"jwks": {"keys": [{**public, "kid": KID, "alg": "ES256", "use": "sig"}]}}})


def token(issuer: str, key_path: Path, audience: str, subject: str = "test-ehr-client") -> str:
    now = int(time.time())
    claims = {"iss": issuer, "sub": subject, "aud": audience, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    return jwt.encode(claims, key_path.read_bytes(), algorithm="ES256", headers={"kid": KID, "typ": "JWT"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kyphoplan.cdshooks.devtool", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("keygen", "token"):
        sub = commands.add_parser(name)
        sub.add_argument("--issuer", required=True)
        sub.add_argument("--key", required=True, type=Path)
        if name == "token":
            sub.add_argument("--aud", required=True, help="the service URL being called")
    args = parser.parse_args(argv)
    if args.command == "keygen":
        print(keygen(args.issuer, args.key))
    else:
        print(token(args.issuer, args.key, args.aud))
    return 0


if __name__ == "__main__":
    sys.exit(main())
