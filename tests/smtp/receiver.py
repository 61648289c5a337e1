"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, one JSON file
per accepted message in the directory given, the port printed on the
first line of stdout once it listens.

Usage: receiver.py DIR [PORT]
"""
import email
import base64
import hashlib
import email.policy
import itertools
import json
import os
import sys
import threading

from aiosmtpd.controller import Controller


class Store:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        number = next(self.counter)
        # Decoded here, by Python's own e-mail package: the tests read what
        # a mail client would show, not what the sender meant to encode.
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        body = message.get_body(("plain", "html"))
        html = message.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": str(message["subject"] or ""),
            "message_id": str(message["message-id"] or ""),
            "from": str(message["from"] or ""),
            "reply_to": str(message["reply-to"] or ""),
            # Line ends as a client shows them, whatever the encoding carried.
            "text": body.get_content().replace("\r\n", "\n") if body is not None else "",
            "html": html.get_content().replace("\r\n", "\n") if html is not None else "",
            "attachments": [
                {
                    "name": part.get_filename(),
                    "content_type": part.get_content_type(),
                    "size": len(part.get_content()),
                    "sha256": hashlib.sha256(
                        part.get_content() if isinstance(part.get_content(), bytes) else part.get_content().encode()
                    ).hexdigest(),
                    # The bytes themselves, for a test that reads them (a PDF through pdftotext).
                    "content_base64": base64.b64encode(
                        part.get_content() if isinstance(part.get_content(), bytes) else part.get_content().encode()
                    ).decode("ascii"),
                }
                for part in message.iter_attachments()
            ],
        }
        # Written whole, then renamed: a reader never sees half a message.
        partial = os.path.join(self.directory, f".{number}.tmp")
        with open(partial, "w", encoding="utf-8") as out:
            json.dump(record, out)
        os.rename(partial, os.path.join(self.directory, f"{number:06d}.json"))
        return "250 2.0.0 Ok: queued as test-%d" % number


def main():
    directory = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    controller = Controller(Store(directory), hostname="127.0.0.1", port=port)
    if port == 0:
        # aiosmtpd needs a concrete port; find a free one.
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            controller.port = probe.getsockname()[1]
    controller.start()
    print(controller.port, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
