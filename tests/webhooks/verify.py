"""Checks a Standard Webhooks signature independently of Vínculo's code:
HMAC-SHA256 of "{id}.{timestamp}.{body}" under the base64 key after
"whsec_" (or, for a secret without that prefix, its UTF-8 bytes: the
message gateway's), base64-encoded, among the "v1,…" values of
webhook-signature.

Usage: verify.py SECRET REQUEST.json  (exit 0: valid, 1: not)
"""
import base64
import hashlib
import hmac
import json
import sys

secret, request = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
if secret.startswith("whsec_"):
    key = base64.b64decode(secret.removeprefix("whsec_"))
else:
    key = secret.encode()
headers = request["headers"]
signed = f'{headers["webhook-id"]}.{headers["webhook-timestamp"]}.{request["body"]}'.encode()
expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
given = [part.split(",", 1)[1] for part in headers["webhook-signature"].split() if part.startswith("v1,")]
sys.exit(0 if any(hmac.compare_digest(expected, g) for g in given) else 1)
