#!/usr/bin/python3
"""Transfers a zone with Debian's python3-dnspython (dns.query.xfr), counting the records.
Usage: xfr-dnspython.py PORT ZONE [KEYNAME ALGORITHM]  (the secret in $BENCH_KEY_SECRET)
Prints one JSON line: records (both SOAs counted), seconds (the transfer alone), its CPU seconds,
peak RSS."""
import json
import os
import sys
import time

import dns.query
import dns.tsigkeyring

port, zone = sys.argv[1:3]
keyargs = {}
if len(sys.argv) > 3:
    keyname, algorithm = sys.argv[3:5]
    keyargs = {
        "keyring": dns.tsigkeyring.from_text({keyname: os.environ["BENCH_KEY_SECRET"]}),
        "keyname": keyname,
        "keyalgorithm": algorithm,
    }
records = 0
started = time.perf_counter()
cpu = time.process_time()
for message in dns.query.xfr("127.0.0.1", zone, port=int(port), lifetime=600, **keyargs):
    for rrset in message.answer:
        records += len(rrset)
seconds = time.perf_counter() - started
cpu = time.process_time() - cpu
with open("/proc/self/status") as status:
    hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
print(json.dumps({"records": records, "seconds": seconds, "cpuSeconds": cpu, "peakRssKiB": hwm}))
