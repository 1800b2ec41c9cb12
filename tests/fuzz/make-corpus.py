#!/usr/bin/env python3
"""tests/fuzz/make-corpus.py: writes the seed corpora of tests/fuzz/corpus/ (run from anywhere).

The seeds are small real inputs: SMTP replies and EHLO lists as servers send them, DNS
messages built byte by byte, SPF zones, pieces of the data files. Crashes found by fuzzing
are kept beside them as regression-* files, which this script never touches.
"""
import os
import struct
import sys

here = os.path.dirname(os.path.abspath(__file__))
top = os.path.dirname(os.path.dirname(here))
corpus = os.path.join(here, "corpus")


def put(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def crlf(*lines):
    return "".join(l + "\r\n" for l in lines)


# ---- SMTP replies --------------------------------------------------------------------
replies = {
    "greeting": crlf("220 mail.example.com ESMTP Postfix (Debian/GNU)"),
    "greeting-split": crlf("220-mail.example.com ESMTP", "220 no UCE"),
    "ehlo": crlf("250-mail.example.com", "250-PIPELINING", "250-SIZE 10240000",
                 "250-STARTTLS", "250-AUTH PLAIN LOGIN", "250-ENHANCEDSTATUSCODES",
                 "250 8BITMIME"),
    "gmail-535": crlf("535-5.7.8 Username and Password not accepted. For more information, go to",
                      "535 5.7.8  https://support.google.com/mail/?p=BadCredentials x1-20020a"),
    "relay": crlf("554 5.7.1 <bob@example.net>: Relay access denied"),
    "421": crlf("421 4.3.2 Service shutting down"),
    "blocklist": crlf("554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org"),
    "two-replies": crlf("220 hi", "250 ok", "354 End data with <CR><LF>.<CR><LF>"),
    "bare-lf": "250-a\n250 b\n",
    "nul": "250 a\x00b\r\n",
    "mismatch": crlf("250-a", "550 b"),
    "bad-codes": crlf("25", "2500 x", "abc", "250x", " 250", "600 x"),
    "escape": "550 \x1b[2J\x1b]0;pwned\x07 \xc2\x9b31m\r\n",
    "code-only": "250\r\n",
}
for name, data in replies.items():
    put("fuzz_reply", name, data)

# ---- EHLO lists (the text after "250-"; fuzz_caps adds the codes) ---------------------
caps = {
    "gmail": "smtp.gmail.com at your service, [192.0.2.1]\nSIZE 35882577\n8BITMIME\n"
             "STARTTLS\nENHANCEDSTATUSCODES\nPIPELINING\nCHUNKING\nSMTPUTF8",
    "gmail-tls": "smtp.gmail.com at your service\nSIZE 35882577\n8BITMIME\n"
                 "AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\n"
                 "ENHANCEDSTATUSCODES\nPIPELINING\nCHUNKING\nSMTPUTF8",
    "outlook": "SN1PR01CA0001.outlook.office365.com Hello [192.0.2.1]\nSIZE 157286400\n"
               "PIPELINING\nDSN\nENHANCEDSTATUSCODES\nAUTH LOGIN XOAUTH2\n8BITMIME\n"
               "BINARYMIME\nCHUNKING\nSMTPUTF8",
    "old-auth": "mail.example.com\nAUTH=LOGIN PLAIN\nAUTH CRAM-MD5 DIGEST-MD5\nauth login",
    "cisco": "**************************\nPIPELINING\nSIZE 10240000\nXXXXXXXA\nXXXXXXXB\n8BITMIME",
    "size-odd": "x\nSIZE 99999999999999999999\nSIZE -1\nSIZE 0\nsize\nSIZE 12x",
    "turkish": "x\nstarttls\nauth plaın login\nPİPELINING",
}
for name, data in caps.items():
    put("fuzz_caps", name, data)

# ---- SASL: mechanism byte (0 PLAIN, 1 LOGIN, 2 CRAM-MD5), user, password, challenges --
sasl = {
    "plain": b"\x00ann@example.com\nsecret\n",
    "plain-334": b"\x00ann@example.com\nsecret\n\n",
    "login": b"\x01ann@example.com\nsecret\nVXNlcm5hbWU6\nUGFzc3dvcmQ6\n",
    "login-extra": b"\x01ann\nsecret\nVXNlcm5hbWU6\nUGFzc3dvcmQ6\nVXNlcm5hbWU6\n",
    "cram": b"\x02tim\ntanstaaftanstaaf\nPDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\n",
    "cram-rubbish": b"\x02tim\nsecret\nRubbish\n",
    "cram-empty": b"\x02tim\nsecret\n\n",
    "bad-padding": b"\x01ann\nsecret\nVXNlcm5hbWU=6\nabc=\n====\n",
    "bad-user": b"\x00ann\r\nAUTH\nsecret\n",
}
for name, data in sasl.items():
    put("fuzz_sasl", name, data)


# ---- DNS messages ----------------------------------------------------------------------
def qname(name):
    out = b""
    for label in name.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def msg(qn, qtype, answers, rcode=0, flags=0x8180, ancount=None):
    hdr = struct.pack(">HHHHHH", 0x1234, flags | rcode, 1,
                      len(answers) if ancount is None else ancount, 0, 0)
    body = qname(qn) + struct.pack(">HH", qtype, 1)
    for rtype, rdata, owner in answers:
        body += owner + struct.pack(">HHIH", rtype, 1, 300, len(rdata)) + rdata
    return hdr + body


PTR0 = b"\xc0\x0c"   # compression pointer to the question name
A, NS, CNAME, PTR, MX, TXT, AAAA, SRV = 1, 2, 5, 12, 15, 16, 28, 33
dns = {
    "a": msg("example.com", A, [(A, bytes([192, 0, 2, 1]), PTR0), (A, bytes([192, 0, 2, 2]), PTR0)]),
    "aaaa": msg("example.com", AAAA, [(AAAA, bytes.fromhex("20010db8000000000000000000000001"), PTR0)]),
    "mx": msg("example.com", MX, [(MX, struct.pack(">H", 10) + qname("mail.example.com"), PTR0),
                                   (MX, struct.pack(">H", 20) + b"\x04mail\xc0\x0c", PTR0)]),
    "mx-null": msg("example.com", MX, [(MX, struct.pack(">H", 0) + b"\x00", PTR0)]),
    "txt": msg("example.com", TXT, [(TXT, b"\x0ev=spf1 mx -all", PTR0),
                                     (TXT, b"\x06v=spf1\x08 include\x0f:_spf.google.c\x06om ~all", PTR0)]),
    "srv": msg("_submission._tcp.example.com", SRV,
               [(SRV, struct.pack(">HHH", 0, 1, 587) + qname("smtp.example.com"), PTR0)]),
    "ptr": msg("1.2.0.192.in-addr.arpa", PTR, [(PTR, qname("mail.example.com"), PTR0)]),
    "cname": msg("www.example.com", CNAME, [(CNAME, qname("example.com"), PTR0)]),
    "nxdomain": msg("nx.example.com", A, [], rcode=3),
    "servfail": msg("example.com", MX, [], rcode=2),
    "loop": msg("example.com", MX, [(MX, struct.pack(">H", 10) + b"\x04mail\xc0\x2d", PTR0)]),
    "lying-count": msg("example.com", A, [(A, bytes([192, 0, 2, 1]), PTR0)], ancount=65535),
    "a-rdlen3": msg("example.com", A, [(A, bytes([192, 0, 2]), PTR0)]),
    "truncated": msg("example.com", TXT, [(TXT, b"\x0ev=spf1 mx -all", PTR0)], flags=0x8380)[:-5],
}
for name, data in dns.items():
    put("fuzz_dns", name, data)

# ---- SPF zones: "IP DOMAIN [SENDER [HELO]]", then "NAME TYPE DATA" lines ----------------
spf = {
    "pass-ip4": "192.0.2.1 example.com ann@example.com mail.example.com\n"
                "example.com TXT v=spf1 ip4:192.0.2.0/24 -all\n",
    "mx-a": "192.0.2.20 example.com\nexample.com TXT v=spf1 a mx/24 -all\n"
            "example.com A 192.0.2.10\nexample.com MX mail.example.com\n"
            "mail.example.com A 192.0.2.20\nmail.example.com AAAA 2001:db8::20\n",
    "include": "209.85.220.41 example.com ann@example.com\n"
               "example.com TXT v=spf1 include:_spf.google.com ~all\n"
               "_spf.google.com TXT v=spf1 include:_netblocks.google.com ~all\n"
               "_netblocks.google.com TXT v=spf1 ip4:209.85.128.0/17 ip6:2001:4860:4000::/36 ~all\n",
    "redirect-loop": "192.0.2.1 a.example\na.example TXT v=spf1 redirect=b.example\n"
                     "b.example TXT v=spf1 redirect=a.example\n",
    "two-records": "192.0.2.1 example.com\nexample.com TXT v=spf1 -all\nexample.com TXT v=spf1 +all\n",
    "macros": "192.0.2.1 example.com ann.x@example.com helo.example.org\n"
              "example.com TXT v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} a:%{H}.%{d2} exp=e.%{d}\n"
              "1.2.0.192.ann.x._spf.example.com A 127.0.0.2\n"
              "e.example.com TXT %{i} is not one of %{d}'s designated mail servers %{c} %{t} %{r}\n",
    "ptr-ip6": "2001:db8::1 example.com\nexample.com TXT v=spf1 ptr ?all\n"
               "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa PTR mail.example.com\n"
               "mail.example.com AAAA 2001:db8::1\n",
    "fail-dns": "192.0.2.1 example.com\nexample.com TXT v=spf1 a:x.example.com mx:y.example.com -all\n"
                "x.example.com FAIL A:timeout\ny.example.com FAIL MX:error\n",
    "void": "192.0.2.1 example.com\nexample.com TXT v=spf1 a:n1.example a:n2.example a:n3.example -all\n",
    "spf10": "192.0.2.1 example.com\nexample.com TXT v=spf10 +all\nexample.com TXT v=spf1 ip6:2001:db8::/32 ~all\n",
}
for name, data in spf.items():
    put("fuzz_spf", name, data)


# ---- trees: small test trees whole, the default tree in pieces ------------------------
def read(path):
    with open(os.path.join(top, path), "rb") as f:
        return f.read()


for name in ("valid-minimal.tree", "valid-full.tree", "walk.tree", "bad-loop.tree",
             "bad-unknown-key.tree", "bad-utf8.tree", "bad-nul.tree"):
    put("fuzz_tree", name, read("tests/data/" + name))
stanzas = read("wizard/cannot-send.tree").split(b"\n\n")
piece, n = b"", 0
for s in stanzas:
    piece += s + b"\n\n"
    if len(piece) > 3000:
        put("fuzz_tree", "cannot-send-%02d" % n, piece)
        piece, n = b"", n + 1
        if n >= 6:
            break

# ---- the sanitiser ----------------------------------------------------------------------
sanitize = {
    "ascii": b"220 mail.example.com ESMTP ready",
    "csi": b"\x1b[2J\x1b]52;c;cHduZWQ=\x07\x1bP+q\x1b\\\x9b31m\xc2\x9b31m",
    "controls": b"a\x00b\x08\x08\x08\rX\x7f\t\n\\x41\\",
    "bidi": "abc\u202edcba\u2066x\u2069\u200b\u200d\ufeff\U000e0041\u2028".encode(),
    "utf8": "Grüße – 日本語 😀 ﬁ".encode(),
    "bad-utf8": b"\xc0\xaf\xe0\x80\xaf\xed\xa0\x80\xf4\x90\x80\x80\xf8\x88\x80\x80\x80\xc3",
}
for name, data in sanitize.items():
    put("fuzz_sanitize", name, data)

# ---- the SMTP dialogue: two settings bytes, then server turns separated by 0x1e --------
RS = "\x1e"


def dialogue(flags, chunk, *turns):
    return bytes([flags, chunk]) + RS.join(turns).encode("latin-1")


greet = crlf("220 mail.example.com ESMTP")
ehlo = crlf("250-mail.example.com", "250-PIPELINING", "250-AUTH PLAIN LOGIN CRAM-MD5",
            "250-STARTTLS", "250 8BITMIME")
ok = crlf("250 2.1.0 Ok")
smtp = {
    # user, MAIL, RCPT, plaintext consent, any mechanism
    "full": dialogue(0x5c, 0, greet, ehlo, crlf("334 PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2U+"),
                     crlf("235 2.7.0 Authentication successful"), ok, crlf("250 2.1.5 Ok"),
                     crlf("250 2.0.0 Ok"), crlf("221 2.0.0 Bye")),
    "login": dialogue(0x5e, 0, greet, ehlo, crlf("334 VXNlcm5hbWU6"), crlf("334 UGFzc3dvcmQ6"),
                      crlf("535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6")),
    "plain": dialogue(0x5d, 3, greet, ehlo, crlf("235 2.7.0 ok"), ok,
                      crlf("554 5.7.1 <bob@example.net>: Relay access denied")),
    "no-consent": dialogue(0x1c, 0, greet, ehlo, ok, ok),
    "data": dialogue(0x28 | 0x10, 0, greet, ehlo, ok, ok, crlf("354 go ahead"),
                     crlf("250 2.0.0 Ok: queued as 4Xyz")),
    "helo-fallback": dialogue(0x08, 0, greet, crlf("500 5.5.1 Command unrecognized"),
                              crlf("250 mail.example.com"), ok),
    "starttls-inject": dialogue(0x84, 0, greet, ehlo,
                                crlf("220 Ready", "250-x", "250 AUTH PLAIN") + "250 AUTH"),
    "starttls-refused": dialogue(0x84, 0, greet, ehlo, crlf("454 4.7.0 TLS not available")),
    "greeting-554": dialogue(0x00, 0, crlf("554 5.7.1 blocked using zen.spamhaus.org")),
    "not-smtp": dialogue(0x00, 0, "SSH-2.0-OpenSSH_9.2\r\n"),
    "split-greeting": dialogue(0x08, 1, "220-mail.example.com\r\n", "", "220 ready\r\n", ehlo, ok),
    "endless": dialogue(0x00, 0, greet, "250-x\r\n" * 200),
    "unsolicited": dialogue(0x08, 0, greet + crlf("250 extra"), ehlo, ok),
    "early-235": dialogue(0x56, 0, greet, ehlo, crlf("235 ok")),
}
for name, data in smtp.items():
    put("fuzz_smtp_client", name, data)

# ---- data files: snippets ------------------------------------------------------------------
def stanzas_of(path, count):
    parts = [p for p in read(path).split(b"\n\n") if p.strip()]
    return b"\n\n".join(parts[:count]) + b"\n"


put("fuzz_providers", "head", stanzas_of("wizard/providers", 6))
put("fuzz_providers", "tail", b"\n\n".join(read("wizard/providers").split(b"\n\n")[-4:]))
put("fuzz_providers", "glob", b"*.mail.*.example.*\nsmtp.mail.eu.example.co.uk")
put("fuzz_reputation", "whole", read("wizard/reputation"))
put("fuzz_reputation", "bad", b"myip-name x\nlist zen.spamhaus.org\nlisted 127.0.0.999 x\n"
    b"refused 127.0.0.2\nipv6 maybe\nbogus line\n")
put("fuzz_interceptor", "whole", read("wizard/tls-interceptors"))
put("fuzz_interceptor", "name", b"CN=Kaspersky Anti-Virus Personal Root Certificate,O=AO Kaspersky Lab")
tbl = read("wizard/replies.tbl").split(b"\n")
put("fuzz_replies", "head", b"\n".join(tbl[:80]) + b"\n")
put("fuzz_replies", "tail", b"\n".join(tbl[-80:]) + b"\n")
put("fuzz_replies", "paste", b"Mail delivery failed:\r\nSMTP error from remote server: 550 5.7.1 "
    b"Relaying denied\r\n535-5.7.8 Username and Password not accepted")
