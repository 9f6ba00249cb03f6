"""Stand-in for Docker's embedded DNS (127.0.0.11:53/udp) in the live nginx test.

The generated nginx.conf resolves compose service names at request time through 127.0.0.11. This
answers A queries for the names listed in NAMES_FILE (one a line) with 127.0.0.1 and NXDOMAIN for
any other name, like Docker's DNS for a service with no running container. NAMES_FILE is read on
every query, so a test can make a service appear while nginx runs. Runs in the test's own network
namespace, so port 53 is never the host's.
Usage: nginx-dns.py NAMES_FILE
"""

import socket
import struct
import sys

ADDRESS = ("127.0.0.11", 53)
TYPE_A, CLASS_IN = 1, 1
NOERROR, FORMERR, NXDOMAIN = 0, 1, 3


def parse_question(packet):
    """(name, qtype, end offset) of the first question; plain labels only (queries use no compression)."""
    labels, pos = [], 12
    while True:
        length = packet[pos]
        if length == 0:
            pos += 1
            break
        if length & 0xC0:
            raise ValueError("compressed name in a query")
        labels.append(packet[pos + 1 : pos + 1 + length].decode("ascii").lower())
        pos += 1 + length
    qtype, _qclass = struct.unpack("!HH", packet[pos : pos + 4])
    return ".".join(labels), qtype, pos + 4


def answer(packet, names):
    query_id, flags, qdcount = struct.unpack("!HHH", packet[:6])
    rd = flags & 0x0100
    try:
        if qdcount != 1:
            raise ValueError("one question expected")
        name, qtype, end = parse_question(packet)
    except (ValueError, IndexError, struct.error):
        return struct.pack("!HHHHHH", query_id, 0x8000 | rd | FORMERR, 0, 0, 0, 0)
    question = packet[12:end]
    known = name in names
    records = b""
    if known and qtype == TYPE_A:
        # Name as a pointer to the question (offset 12), TTL 10 s, 127.0.0.1: where the stub listens.
        records = struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, 10, 4) + socket.inet_aton("127.0.0.1")
    rcode = NOERROR if known else NXDOMAIN
    header = struct.pack("!HHHHHH", query_id, 0x8000 | 0x0400 | rd | 0x0080 | rcode, 1, 1 if records else 0, 0, 0)
    return header + question + records


def main():
    names_file = sys.argv[1]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(ADDRESS)
    while True:
        packet, client = sock.recvfrom(512)
        with open(names_file) as f:
            names = {line.strip().lower().rstrip(".") for line in f if line.strip()}
        sock.sendto(answer(packet, names), client)


main()
