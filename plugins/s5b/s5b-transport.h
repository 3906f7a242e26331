/* s5b-transport.h — the XEP-0260 Jingle SOCKS5 Bytestreams transport kind
 * (urn:xmpp:jingle:transports:s5b:1): both sides offer candidates (direct:
 * our addresses on one listener; proxy: the server's proxy65 streamhost),
 * both try the other's concurrently, report candidate-used or
 * candidate-error, and §2.4 names the winner; a proxy winner is activated
 * by the party that offered it. The channel is the TCP connection. When
 * nothing connects the initiator asks the engine for the next kind (IBB,
 * transport-replace).
 *
 * Test hooks (environment): JINGLE_AGENT_S5B_LOOPBACK=1 also offers
 * 127.0.0.1 (otherwise only when no other address exists);
 * JINGLE_AGENT_TEST_S5B_UNREACHABLE=1 advertises direct candidates on a
 * dead port; JINGLE_AGENT_TEST_S5B_EXTRA_CANDIDATE=IP:PORT offers that
 * address as our best direct candidate (a blackhole in tests);
 * JINGLE_AGENT_TEST_S5B_HANDSHAKE_TIMEOUT_S=N replaces the 5 s connect and
 * handshake timeout of s5b-socket.h; JINGLE_AGENT_TEST_S5B_RATE=BYTES_PER_SECOND
 * makes a file sender's pump (plugins/file-transfer/ft-pump.h) send at most
 * that many bytes a second over the bytestream, so that a test can kill it
 * half-way (direct SOCKS5 on loopback is otherwise too fast for that). */
#pragma once

#include "signalling/jingle/jingle-plugin.h"
#include "signalling/xmpp/xmpp-stream.h"

G_BEGIN_DECLS

/* How long the candidate negotiation may take before it fails. */
#define JA_S5B_TRANSPORT_TIMEOUT_MS (30 * 1000)

extern const JaJingleTransportKind ja_s5b_transport_kind;

/* Per-stream choices for the sessions that follow (kept on the stream):
 * no_direct: offer and try proxy candidates only; no_proxy: direct only;
 * no_fallback: when s5b fails, end the session (failed-transport) instead
 * of replacing the transport. */
void ja_s5b_transport_set_options (JaXmppStream *stream, gboolean no_direct,
    gboolean no_proxy, gboolean no_fallback);
/* The SOCKS5 proxies to offer (JaS5bProxy* of services.h, copied). */
void ja_s5b_transport_set_proxies (JaXmppStream *stream,
    const GPtrArray *proxies);

/* "direct" or "proxy" once a transport of this kind carries data, else
 * NULL (any other kind included). */
const char *ja_s5b_transport_get_candidate_type (JaJingleTransport *tp);

G_END_DECLS
