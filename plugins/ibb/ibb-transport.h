/* ibb-transport.h — the XEP-0261 Jingle In-Band Bytestreams transport kind
 * (urn:xmpp:jingle:transports:ibb:1): a streaming transport of last resort
 * that carries the content's bytes over XEP-0047 (ibb-manager.h). */
#pragma once

#include "plugins/ibb/ibb-manager.h"
#include "signalling/jingle/jingle-plugin.h"

G_BEGIN_DECLS

/* What we offer, and the most we accept as responder. Measured with the
 * CLI, 20 MiB alice → bob through a stock Prosody 0.12 on loopback, once
 * the stream wrote TLS records Prosody reads without stalling
 * (xmpp-stream.c, "Bulk output"), window 8: 16 KiB 10.3 MB/s, 24000 B
 * 10.9, 32 KiB 13.5, 48 KiB 13.6, 65535 B 13.0 — Prosody is then CPU-bound
 * and pays per stanza. 32 KiB (a ~44 KB stanza) keeps most of the gain and
 * stays under 64 KiB stanza limits. (Before that fix every size ran at
 * ~2.5 MB/s.) */
#define JA_IBB_TRANSPORT_DEFAULT_BLOCK_SIZE 32768
/* How long a responder waits for the initiator's <open/> before the
 * transport fails. */
#define JA_IBB_TRANSPORT_OPEN_TIMEOUT_MS (30 * 1000)

extern const JaJingleTransportKind ja_ibb_transport_kind;

/* The one JaIbbManager of stream (created on first use, kept as object data
 * on the stream). Create it before the stream connects so that its feature
 * is in the first presence. (transfer none) */
JaIbbManager *ja_ibb_transport_ensure_manager (JaXmppStream *stream);
/* Drops it again: the manager holds the stream, so an owner must call this
 * before letting the stream go (it breaks the reference cycle). */
void ja_ibb_transport_drop_manager (JaXmppStream *stream);

/* Pure: parse the attributes of a <transport/> of this namespace. sid and
 * block-size are mandatory (XEP-0261 §2); block-size 1…65535. *sid
 * (transfer full). BAD_REQUEST otherwise. */
gboolean ja_ibb_transport_parse (const JaXmlNode *transport, char **sid,
    guint16 *block_size, GError **error);

G_END_DECLS
