#!/usr/bin/python3
"""Sends N signed single-record UPDATEs, one after another, with Debian's python3-dnspython.
Usage: update-dnspython.py PORT ZONE KEYNAME ALGORITHM SECRET COUNT PREFIX
Prints the number of successful updates."""
import sys

import dns.query
import dns.tsig
import dns.tsigkeyring
import dns.update

port, zone, keyname, algorithm, secret, count, prefix = sys.argv[1:8]
keyring = dns.tsigkeyring.from_text({keyname: secret})
ok = 0
for i in range(int(count)):
    update = dns.update.Update(zone, keyring=keyring, keyname=keyname, keyalgorithm=algorithm)
    update.add(f"{prefix}{i}", 300, "A", f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}")
    response = dns.query.udp(update, "127.0.0.1", port=int(port), timeout=5)
    if response.rcode() == 0:
        ok += 1
print(ok)
