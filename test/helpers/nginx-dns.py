"""Stand-in for Docker's embedded DNS (127.0.0.11:53/udp) in the live nginx test.

The generated nginx.conf resolves compose service names at request time through 127.0.0.11. This
answers A queries for the names listed in NAMES_FILE (one a line) with 127.0.0.1 and NXDOMAIN for
any other name, like Docker's DNS for a service with no running container. A line may list the
name's addresses after it ("web 127.0.0.1 127.0.0.2": a service scaled to two containers). NAMES_FILE
is read on every query, so a test can make a service appear while nginx runs. Runs in the test's own
network namespace, so port 53 is never the host's.
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
    """The response to one query; names maps each known name to its IPv4 addresses."""
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
    addresses = names.get(name, []) if qtype == TYPE_A else []
    # Name as a pointer to the question (offset 12), TTL 10 s, each address (default 127.0.0.1).
    records = b"".join(struct.pack("!HHHIH", 0xC00C, TYPE_A, CLASS_IN, 10, 4) + socket.inet_aton(a) for a in addresses)
    rcode = NOERROR if known else NXDOMAIN
    header = struct.pack("!HHHHHH", query_id, 0x8000 | 0x0400 | rd | 0x0080 | rcode, 1, len(addresses), 0, 0)
    return header + question + records


def read_names(path):
    names = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if fields:
                names[fields[0].lower().rstrip(".")] = fields[1:] or ["127.0.0.1"]
    return names


def main():
    names_file = sys.argv[1]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(ADDRESS)
    while True:
        packet, client = sock.recvfrom(512)
        sock.sendto(answer(packet, read_names(names_file)), client)


main()
