#!/usr/bin/env python3
"""The course's pcap_downloads.py (reconstructed from the lecture): list GIF downloads in a capture with dpkt.

Reference implementation for `wirelens gifs`: every packet is decoded as Ethernet -> IP -> TCP and its payload
parsed as an HTTP request, one packet at a time (no reassembly); a GET whose lower-cased URI contains ".gif" is a
download. Anything that does not parse is skipped silently, as in the original script.
Usage: pcap_downloads.py FILE   (pcap or pcapng, optionally gzip-compressed)
"""
import gzip
import os
import socket
import sys

import dpkt


def find_downloads(pcap):
    found = False
    for (ts, buf) in pcap:
        try:
            eth = dpkt.ethernet.Ethernet(buf)
            ip = eth.data
            src = socket.inet_ntoa(ip.src)
            dst = socket.inet_ntoa(ip.dst)
            tcp = ip.data
            http = dpkt.http.Request(tcp.data)
            if http.method == 'GET':
                uri = http.uri.lower()
                if '.gif' in uri:
                    print(f'[!] {src} downloaded {uri} from {dst}')
                    found = True
        except Exception:
            pass
    if not found:
        print('No gif downloads found in this file')


def open_capture(path):
    with open(path, 'rb') as f:
        magic = f.read(4)
    f = gzip.open(path, 'rb') if magic[:2] == b'\x1f\x8b' else open(path, 'rb')
    head = f.read(4)
    f.seek(0)
    if head == b'\x0a\x0d\x0d\x0a':
        return dpkt.pcapng.Reader(f)
    return dpkt.pcap.Reader(f)


def main():
    path = sys.argv[1]
    print(f'[*] Analysing {os.path.basename(path)} for gif files')
    find_downloads(open_capture(path))


if __name__ == '__main__':
    main()
