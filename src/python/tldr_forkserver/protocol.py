"""Frames on the fork server's socket, both directions: a 5-byte header — stream (1 byte), payload
length (4 bytes, big-endian) — then the payload. Stream 0 carries one JSON object (UTF-8);
streams 1 and 2 carry the child's stdout and stderr bytes as they came."""
import json
import struct

__all__ = ["CONTROL", "STDOUT", "STDERR", "HEADER", "MAX_CONTROL", "MAX_CHUNK", "frame", "control", "Reader", "ProtocolError", "read_request", "reply"]

CONTROL, STDOUT, STDERR = 0, 1, 2
HEADER = struct.Struct(">BI")
# A request holds argv and the whole environment: generous, but bounded.
MAX_CONTROL = 1 << 20
# Output is relayed in pieces of at most this many bytes.
MAX_CHUNK = 1 << 16
# A client has this long to send its request (and to take a short answer).
REQUEST_TIMEOUT = 10.0


class ProtocolError(ValueError):
    pass


def frame(stream, payload):
    return HEADER.pack(stream, len(payload)) + payload


def control(message):
    return frame(CONTROL, json.dumps(message, separators=(",", ":")).encode("utf-8"))


class Reader:
    """Incremental frame parser: ``feed(bytes)`` → list of (stream, payload); control payloads
    come back decoded (a dict)."""

    def __init__(self):
        self.buffer = b""

    def feed(self, data):
        self.buffer += data
        frames = []
        while len(self.buffer) >= HEADER.size:
            stream, length = HEADER.unpack_from(self.buffer)
            if stream not in (CONTROL, STDOUT, STDERR):
                raise ProtocolError("unknown stream %d" % stream)
            if length > (MAX_CONTROL if stream == CONTROL else MAX_CHUNK):
                raise ProtocolError("frame of %d bytes on stream %d is too long" % (length, stream))
            if len(self.buffer) < HEADER.size + length:
                break
            payload = self.buffer[HEADER.size:HEADER.size + length]
            self.buffer = self.buffer[HEADER.size + length:]
            if stream == CONTROL:
                payload = decode(payload)
            frames.append((stream, payload))
        return frames


def decode(payload):
    try:
        message = json.loads(payload.decode("utf-8"))
    except ValueError as exc:
        raise ProtocolError("a control frame is not JSON: %s" % exc)
    if not isinstance(message, dict):
        raise ProtocolError("a control frame is not a JSON object")
    return message


def _read_exactly(conn, count):
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise ProtocolError("the connection closed before the request was complete")
        data += chunk
    return data


def read_request(conn):
    stream, length = HEADER.unpack(_read_exactly(conn, HEADER.size))
    if stream != CONTROL:
        raise ProtocolError("the request must be a control frame")
    if length > MAX_CONTROL:
        raise ProtocolError("the request is %d bytes, more than %d" % (length, MAX_CONTROL))
    return decode(_read_exactly(conn, length))


def reply(conn, message):
    try:
        conn.settimeout(REQUEST_TIMEOUT)
        conn.sendall(control(message))
    except OSError:
        pass
    try:
        conn.close()
    except OSError:
        pass
