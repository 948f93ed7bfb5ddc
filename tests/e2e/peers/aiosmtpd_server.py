#!/usr/bin/python3
"""An aiosmtpd server for postie's tests (run with the system /usr/bin/python3).

Listens on a loopback address; optionally offers STARTTLS or implicit TLS, AUTH PLAIN/LOGIN
(and CRAM-MD5, XOAUTH2 with --extra-auth) for one fixed user, or speaks LMTP; and saves every
accepted message as NNNNNN.eml (the DATA bytes, dot-unstuffed) next to NNNNNN.json (the
envelope). Files appear by rename, so a reader never sees half of one.
"""

import argparse
import asyncio
import base64
import hmac
import itertools
import json
import os
import secrets
import ssl

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class SaveHandler:
    """Answers 250 to every message and saves it when a directory is given."""

    def __init__(self, directory, fsync):
        self.directory = directory
        self.fsync = fsync
        self.sequence = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        if self.directory:
            self.save(session, envelope)
        return "250 2.0.0 Ok: saved"

    def save(self, session, envelope):
        name = f"{next(self.sequence):06d}"
        meta = {
            "mailFrom": envelope.mail_from,
            "rcptTos": envelope.rcpt_tos,
            "mailOptions": envelope.mail_options,
            "rcptOptions": envelope.rcpt_options,
            "smtpUtf8": envelope.smtp_utf8,
            "heloName": session.host_name,
            "tls": session.ssl is not None,
            "authLogin": login_of(session),
        }
        # The envelope first: whoever sees the .eml finds its .json.
        self.write(name + ".json", json.dumps(meta).encode())
        self.write(name + ".eml", envelope.original_content)

    def write(self, name, data):
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as file:
            file.write(data)
            if self.fsync:
                file.flush()
                os.fsync(file.fileno())
        os.rename(temporary, os.path.join(self.directory, name))


class ExtraAuthHandler(SaveHandler):
    """SaveHandler with two more AUTH mechanisms for the one user: CRAM-MD5 and XOAUTH2."""

    def __init__(self, directory, fsync, user, password):
        super().__init__(directory, fsync)
        self.user = user.encode()
        self.password = password.encode()

    async def auth_CRAM__MD5(self, server, args):
        """RFC 2195: the client answers a challenge with user SP hex(HMAC-MD5(password, it))."""
        challenge = f"<{secrets.token_hex(8)}@aiosmtpd.postie.test>".encode()
        answer = await server.challenge_auth(challenge)
        if not isinstance(answer, bytes) or b" " not in answer:
            return AuthResult(success=False, handled=False)
        user, digest = answer.rsplit(b" ", 1)
        expected = hmac.new(self.password, challenge, "md5").hexdigest().encode()
        if user == self.user and hmac.compare_digest(digest, expected):
            return AuthResult(success=True, auth_data=LoginPassword(user, b""))
        return AuthResult(success=False, handled=False)

    async def auth_XOAUTH2(self, server, args):
        """The bearer token is the password; a wrong one gets a 334 JSON error, then 535."""
        response = base64.b64decode(args[1]) if len(args) > 1 else b""
        fields = dict(f.split(b"=", 1) for f in response.split(b"\x01") if b"=" in f)
        if fields.get(b"user") == self.user and fields.get(b"auth") == b"Bearer " + self.password:
            return AuthResult(success=True, auth_data=LoginPassword(self.user, b""))
        await server.challenge_auth(b'{"status":"401","schemes":"bearer"}')
        return AuthResult(success=False, handled=False)


def login_of(session):
    if not session.authenticated or not isinstance(session.auth_data, LoginPassword):
        return None
    return session.auth_data.login.decode("utf-8", "replace")


def authenticator_for(user, password):
    """Accepts exactly one user/password pair, over PLAIN or LOGIN."""
    expected = LoginPassword(user.encode(), password.encode())

    def authenticate(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword) and tuple(auth_data) == tuple(expected):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return authenticate


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", required=True, help="HOST:PORT to listen on")
    parser.add_argument("--hostname", default="aiosmtpd.postie.test")
    parser.add_argument("--save-dir", help="save each message here")
    parser.add_argument("--fsync", action="store_true", help="fsync each saved file")
    parser.add_argument("--tls-cert", help="PEM certificate: offer STARTTLS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--require-starttls", action="store_true")
    parser.add_argument("--auth-user", help="offer AUTH PLAIN/LOGIN for this user")
    parser.add_argument("--auth-password", default="")
    parser.add_argument("--auth-required", action="store_true")
    parser.add_argument("--extra-auth", action="store_true", help="also CRAM-MD5 and XOAUTH2")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the start")
    parser.add_argument("--lmtp", action="store_true", help="speak LMTP (LHLO)")
    return parser.parse_args()


def smtp_options(args):
    options = {"hostname": args.hostname, "enable_SMTPUTF8": True}
    if args.tls_cert and not args.implicit_tls:
        options["tls_context"] = tls_context(args)
        options["require_starttls"] = args.require_starttls
    if args.auth_user:
        options["authenticator"] = authenticator_for(args.auth_user, args.auth_password)
        options["auth_required"] = args.auth_required
        options["auth_require_tls"] = bool(args.tls_cert) and not args.implicit_tls
    return options


def tls_context(args):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    return context


async def main():
    args = parse_args()
    host, port = args.listen.rsplit(":", 1)
    if args.extra_auth:
        handler = ExtraAuthHandler(args.save_dir, args.fsync, args.auth_user, args.auth_password)
    else:
        handler = SaveHandler(args.save_dir, args.fsync)
    options = smtp_options(args)
    protocol = LMTP if args.lmtp else SMTP
    wrap = tls_context(args) if args.implicit_tls else None
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: protocol(handler, **options), host, int(port), ssl=wrap
    )
    print(f"aiosmtpd_server listening on {host}:{port}", flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
