/* dtls.h — a DTLS-SRTP handshake (RFC 5763/5764, XEP-0320) over any
 * datagram path (an ICE component in calls, a memory pipe in unit tests).
 * GnuTLS DTLS 1.2, non-blocking (GNUTLS_NONBLOCK), retransmissions driven
 * by gnutls_dtls_get_timeout() on a GSource of the thread-default main
 * context. The peer certificate must match the fingerprint signalled in
 * Jingle; a mismatch fails with JA_MEDIA_ERROR_FINGERPRINT. use_srtp offers
 * SRTP_AES128_CM_HMAC_SHA1_80 and _32 (GnuTLS 3.7.9 knows no AEAD-GCM
 * DTLS-SRTP profile; srtp.c would take GCM keys). */
#pragma once

#include <glib.h>
#include "media/dtls-cert.h"
#include "media/srtp.h"

G_BEGIN_DECLS

typedef enum {
  JA_DTLS_ROLE_CLIENT,    /* setup 'active' (RFC 5763): we send ClientHello */
  JA_DTLS_ROLE_SERVER,    /* setup 'passive' */
} JaDtlsRole;

typedef struct _JaDtls JaDtls;

/* Send one datagram on the path. FALSE drops it (DTLS retransmits). */
typedef gboolean (*JaDtlsSendFunc) (const guint8 *data, gsize len,
    gpointer user_data);
/* Exactly one of keys / error is set. keys: (transfer full). error:
 * (transfer none). Called from the main context, never from within
 * ja_dtls_start() itself. */
typedef void (*JaDtlsDoneFunc) (JaDtls *dtls, JaSrtpKeys *keys,
    const GError *error, gpointer user_data);

/* peer_hash_name / peer_fingerprint: from the peer's <fingerprint/>; both
 * may be NULL when not yet known (set them with ja_dtls_set_peer_fingerprint
 * before the handshake ends, else it fails). (transfer full) */
JaDtls *ja_dtls_new (JaDtlsCert *cert, JaDtlsRole role,
    const char *peer_hash_name, const char *peer_fingerprint,
    JaDtlsSendFunc send, JaDtlsDoneFunc done, gpointer user_data,
    GError **error);
void ja_dtls_free (JaDtls *dtls);   /* cancels timers; no callback after */
/* Before ja_dtls_start(): the initial retransmission timeout (default
 * 1000 ms, doubled by GnuTLS at each retransmission) and the deadline for
 * the whole handshake, fingerprint wait included (default 10000 ms; then
 * JA_MEDIA_ERROR_DTLS). */
void ja_dtls_set_timeouts (JaDtls *dtls, guint retransmit_ms,
    guint handshake_ms);

void ja_dtls_set_peer_fingerprint (JaDtls *dtls, const char *hash_name,
    const char *fingerprint);
/* Start the handshake (the client sends its ClientHello). A server only
 * waits for packets. Records received before start are queued. */
void ja_dtls_start (JaDtls *dtls);
/* Feed one received datagram that ja_dtls_is_dtls_packet() accepts. */
void ja_dtls_receive (JaDtls *dtls, const guint8 *data, gsize len);
gboolean ja_dtls_is_done (JaDtls *dtls);
JaDtlsRole ja_dtls_get_role (JaDtls *dtls);
/* Milliseconds from start (a server: from the first datagram it got once
 * started, as it only waits before) to the end of the handshake, rounded
 * up (0 until done). */
guint ja_dtls_get_handshake_ms (JaDtls *dtls);
/* The same in microseconds (0 until done). */
guint64 ja_dtls_get_handshake_us (JaDtls *dtls);
/* "DTLS1.2" etc. after the handshake (transfer none). */
const char *ja_dtls_get_version_name (JaDtls *dtls);

/* RFC 7983 demultiplexing: the first byte in 20..63 is DTLS. */
gboolean ja_dtls_is_dtls_packet (const guint8 *data, gsize len);

G_END_DECLS
