"""A real SMTP server for Signpost's email tests: aiosmtpd on 127.0.0.1, each message it accepts
written to a folder before it answers "250", as NNNN.eml (the bytes as received) and NNNN.json
(the envelope, and the headers and text as Python's email parser decodes them, so a test can read
a subject or a body whatever transfer encoding the client chose).

    python sink.py --port 0 --out DIR [--tls starttls|implicit --cert CERT --key KEY]

prints the port it listens on, once it listens, and runs until it is killed. With --tls starttls
it requires STARTTLS before MAIL (as a submission relay on 587 does); with --tls implicit it
speaks TLS from the first byte (465).
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import ssl

from aiosmtpd.smtp import SMTP


class Folder:
    def __init__(self, out):
        self.out = out
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.out, f"{self.count:04d}")
        raw = envelope.original_content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        summary = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": [[name, str(value)] for name, value in message.items()],
            "text": body.get_content() if body is not None else None,
        }
        write(stem + ".eml", raw)
        # The .json last: a test that sees it can read both.
        write(stem + ".json", json.dumps(summary, ensure_ascii=False).encode())
        return "250 Message accepted for delivery"


def write(path, data):
    with open(path + ".part", "wb") as f:
        f.write(data)
    os.replace(path + ".part", path)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--tls", choices=["starttls", "implicit"])
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    folder = Folder(args.out)
    context = None
    if args.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    starttls = args.tls == "starttls"

    def session():
        if starttls:
            return SMTP(folder, hostname="sink.test", tls_context=context, require_starttls=True)
        return SMTP(folder, hostname="sink.test")

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        session, "127.0.0.1", args.port, ssl=context if args.tls == "implicit" else None
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
